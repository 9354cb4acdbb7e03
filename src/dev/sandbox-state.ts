// How a running `cogcf dev` sandbox announces itself, so that other commands
// (`cogcf sessions --sandbox`, `cogcf revoke --sandbox`) can find its session
// table: one small JSON file in the user's state directory, written
// atomically (mode 0600) when the sandbox is up and removed when it stops.
// A file whose process is gone is a sandbox that crashed: it counts as none.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import * as v from 'valibot';
import type { TableConfig } from '../../runtime/core/config.js';
import { CogcfError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export interface SandboxState {
  /** The `cogcf dev` process. */
  readonly pid: number;
  /** Where the sandbox serves the site, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Its session table (dynalite, with a local `endpoint`). */
  readonly table: TableConfig;
  /** ISO 8601. */
  readonly startedAt: string;
  /** `--data-dir`, when the table is kept on disk. */
  readonly dataDir?: string;
}

/**
 * Credentials for the sandbox's table: dynalite wants a signed request but
 * checks no signature, and a user's real AWS keys have no business there.
 */
export const SANDBOX_DB_ENV = { AWS_ACCESS_KEY_ID: 'cogcf-sandbox', AWS_SECRET_ACCESS_KEY: 'cogcf-sandbox' } as const;

type Env = Readonly<Record<string, string | undefined>>;

/** `$COGCF_STATE_DIR/sandbox.json`, else `$XDG_STATE_HOME/cogcf/sandbox.json`, else `~/.local/state/cogcf/sandbox.json`. */
export function sandboxStatePath(env: Env = process.env): string {
  if (env.COGCF_STATE_DIR) return join(env.COGCF_STATE_DIR, 'sandbox.json');
  // The XDG spec says to ignore a relative XDG_STATE_HOME.
  const stateHome = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(stateHome, 'cogcf', 'sandbox.json');
}

const StateSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  url: v.string(),
  table: v.object({ name: v.string(), region: v.string(), endpoint: v.exactOptional(v.string()) }),
  startedAt: v.string(),
  dataDir: v.exactOptional(v.string()),
});

const START_HINT = 'Start it with: cogcf dev (and keep it running in another terminal).';

const notRunning = (message: string, cause?: unknown): CogcfError =>
  new CogcfError('ERR_SANDBOX_NOT_RUNNING', message, { hint: START_HINT, exitCode: ExitCode.Usage, cause });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Announces a started sandbox; a second sandbox replaces the first one's file. */
export async function writeSandboxState(state: SandboxState, env: Env = process.env): Promise<string> {
  const path = sandboxStatePath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written beside it and renamed over it, so a reader never sees half a file.
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(state, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
  return path;
}

/** The running sandbox. Throws ERR_SANDBOX_NOT_RUNNING (exit 2) when there is none or its process is gone. */
export async function readSandboxState(env: Env = process.env): Promise<SandboxState> {
  const path = sandboxStatePath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notRunning(`No cogcf dev sandbox is running (no ${path}).`);
    throw notRunning(`Cannot read the sandbox state file ${path}: ${(e as Error).message}`, e);
  }
  let state: SandboxState;
  try {
    state = v.parse(StateSchema, JSON.parse(text));
  } catch (e) {
    throw notRunning(`The sandbox state file ${path} is not valid; delete it and restart the sandbox.`, e);
  }
  if (!isAlive(state.pid)) throw notRunning(`The cogcf dev sandbox that wrote ${path} (pid ${state.pid}) is no longer running.`);
  return state;
}

/** Removes the announcement, unless it is no longer `pid`'s (a newer sandbox took over). */
export async function removeSandboxState(pid: number = process.pid, env: Env = process.env): Promise<void> {
  const path = sandboxStatePath(env);
  try {
    const { pid: owner } = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown };
    if (owner !== pid) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    // Unreadable or not JSON: nobody can use it, so it goes.
  }
  await rm(path, { force: true });
}
