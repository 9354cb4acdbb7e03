// `cogcf dev` as a person runs it: in a terminal (tmux), read off the screen,
// stopped with Ctrl-C. tmux is required: a missing tmux fails, never skips.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBinAsync } from './run-bin.js';

const SESSION = `cogcf-dev-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', SESSION);

async function waitForScreen(pattern: RegExp, seconds: number): Promise<RegExpMatchArray> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const match = screen().match(pattern);
    if (match) return match;
    if (Date.now() > until) throw new Error(`the screen never showed ${pattern}:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('cogcf dev in a terminal', () => {
  let stateDir: string;
  beforeAll(() => {
    try {
      tmux('-V');
    } catch {
      throw new Error('tmux is not installed: run `apt-get update && apt-get install -y tmux`');
    }
    stateDir = mkdtempSync(join(tmpdir(), 'cogcf-dev-terminal-'));
  });
  afterAll(() => {
    try {
      tmux('kill-session', '-t', SESSION);
    } catch {
      // already gone
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the URL, the demo credentials and where its state lives, serves the barrier, and stops cleanly on Ctrl-C', async () => {
    tmux(
      'new-session', '-d', '-s', SESSION, '-x', '200', '-y', '50', '-c', ROOT,
      `COGCF_STATE_DIR=${stateDir} node bin/cogcf.js dev --port 0; echo cogcf-exit=$?; sleep 60`,
    );
    const [, url, port] = await waitForScreen(/running at (http:\/\/127\.0\.0\.1:(\d+))/, 30);
    const [, email, password] = (await waitForScreen(/demo user\s+(\S+@\S+)\s+password: (\S+)/, 5)) as unknown as [string, string, string];
    await waitForScreen(/state\s+in memory/, 5);
    await waitForScreen(/Press Ctrl-C to stop\./, 5);
    expect(email).toBe('demo@example.com');
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(existsSync(join(stateDir, 'sandbox.json'))).toBe(true);

    const anonymous = await fetch(`${url}/docs/x`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/_identity/login?path=%2Fdocs%2Fx');
    await waitForScreen(/GET \/docs\/x → 302/, 5);

    tmux('send-keys', '-t', SESSION, 'C-c');
    await waitForScreen(/Stopped\.\s+cogcf-exit=0/, 15);
    expect(await refused(Number(port))).toBe(true);
    expect(existsSync(join(stateDir, 'sandbox.json'))).toBe(false);
  });

  it('refuses a port that is taken with a clear message and exit code 2', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runBinAsync('cogcf', ['dev', '--port', String(port)], { COGCF_STATE_DIR: stateDir });
      expect(r.status, r.transcript).toBe(2);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain('--port 0');
    } finally {
      busy.close();
    }
  });

  it('names the flag when a --user is malformed (exit 2)', async () => {
    const r = await runBinAsync('cogcf', ['dev', '--user', 'not-an-email'], { COGCF_STATE_DIR: stateDir });
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('--user expects <email>:<password>');
  });
});
