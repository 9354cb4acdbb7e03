// Runs a built bin the way a user does: a separate Node process, no TTY,
// stdout and stderr kept apart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

const transcriptOf = (bin: string, args: readonly string[], status: number | null, stdout: string, stderr: string): string =>
  `$ ${bin} ${args.join(' ')}\n--- exit ${status}\n--- stdout\n${stdout}--- stderr\n${stderr}`;

function binCommand(bin: 'cogcf' | 'create-cogcf-barrier', args: readonly string[]): string[] {
  if (!existsSync(`${ROOT}dist/cli.js`)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  return [`bin/${bin}.js`, ...args];
}

export function runBin(bin: 'cogcf' | 'create-cogcf-barrier', args: readonly string[], env: Readonly<Record<string, string>> = {}): BinResult {
  const result = spawnSync(process.execPath, binCommand(bin, args), {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, transcript: transcriptOf(bin, args, result.status, result.stdout, result.stderr) };
}

/**
 * Like runBin, without blocking this process: for bins that talk to a server
 * the test itself runs. `onStderr` sees stderr so far after each chunk, and the
 * child, e.g. to press Ctrl-C (send SIGINT) at a given point.
 */
export function runBinAsync(
  bin: 'cogcf' | 'create-cogcf-barrier',
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  onStderr?: (stderr: string, child: ChildProcess) => void,
): Promise<BinResult> {
  const child = spawn(process.execPath, binCommand(bin, args), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr, transcript: transcriptOf(bin, args, status, stdout, stderr) }));
  });
}
