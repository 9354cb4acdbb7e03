// Runs a built bin the way a user does: a separate Node process, no TTY,
// stdout and stderr kept apart.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BinResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line and both streams, for assertion messages. */
  readonly transcript: string;
}

export function runBin(bin: 'cogcf' | 'create-cogcf-barrier', args: readonly string[]): BinResult {
  if (!existsSync(`${ROOT}dist/cli.js`)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const result = spawnSync(process.execPath, [`bin/${bin}.js`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const transcript = `$ ${bin} ${args.join(' ')}\n--- exit ${result.status}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, transcript };
}
