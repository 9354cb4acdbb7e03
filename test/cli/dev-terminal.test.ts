// `cogcf dev` as a person runs it: in a terminal (tmux), read off the screen,
// stopped with Ctrl-C. tmux is required: a missing tmux fails, never skips.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTerminal, requireTmux, type Terminal } from '../support/terminal.js';
import { ROOT, runBinAsync } from './run-bin.js';

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('cogcf dev in a terminal', () => {
  let stateDir: string;
  let terminal: Terminal | undefined;
  beforeAll(() => {
    requireTmux();
    stateDir = mkdtempSync(join(tmpdir(), 'cogcf-dev-terminal-'));
  });
  afterAll(() => {
    terminal?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the URL, the demo credentials and where its state lives, serves the barrier, and stops cleanly on Ctrl-C', async () => {
    terminal = openTerminal(`cogcf-dev-test-${process.pid}`, `COGCF_STATE_DIR=${stateDir} node bin/cogcf.js dev --port 0; echo cogcf-exit=$?; sleep 60`, ROOT);
    const [, url, port] = await terminal.waitFor(/running at (http:\/\/127\.0\.0\.1:(\d+))/, 30);
    const [, email, password] = (await terminal.waitFor(/demo user\s+(\S+@\S+)\s+password: (\S+)/, 5)) as unknown as [string, string, string];
    await terminal.waitFor(/state\s+in memory/, 5);
    await terminal.waitFor(/Press Ctrl-C to stop\./, 5);
    expect(email).toBe('demo@example.com');
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(existsSync(join(stateDir, 'sandbox.json'))).toBe(true);

    const anonymous = await fetch(`${url}/docs/x`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/_identity/login?path=%2Fdocs%2Fx');
    await terminal.waitFor(/GET \/docs\/x → 302/, 5);

    terminal.keys('C-c');
    await terminal.waitFor(/Stopped\.\s+cogcf-exit=0/, 15);
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
