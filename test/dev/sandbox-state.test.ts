import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSandboxState, removeSandboxState, sandboxStatePath, writeSandboxState, type SandboxState } from '../../src/dev/sandbox-state.js';

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cogcf-sandbox-state-'));
  env = { COGCF_STATE_DIR: join(dir, 'nested', 'state') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const STATE: SandboxState = {
  pid: process.pid,
  url: 'http://127.0.0.1:8080',
  table: { name: 'cogcf-sessions', region: 'us-east-1', endpoint: 'http://127.0.0.1:4567' },
  startedAt: '2026-11-23T21:00:00.000Z',
};

describe('sandboxStatePath', () => {
  it('uses $COGCF_STATE_DIR, else $XDG_STATE_HOME/cogcf, else ~/.local/state/cogcf', () => {
    expect(sandboxStatePath({ COGCF_STATE_DIR: '/s', XDG_STATE_HOME: '/x' })).toBe('/s/sandbox.json');
    expect(sandboxStatePath({ XDG_STATE_HOME: '/x' })).toBe('/x/cogcf/sandbox.json');
    expect(sandboxStatePath({})).toBe(join(homedir(), '.local/state/cogcf/sandbox.json'));
    // The XDG spec: a relative path is invalid and is ignored.
    expect(sandboxStatePath({ XDG_STATE_HOME: 'relative' })).toBe(join(homedir(), '.local/state/cogcf/sandbox.json'));
  });
});

describe('writeSandboxState / readSandboxState', () => {
  it('round-trips, creating the directory, in a file only the user can read', async () => {
    const path = await writeSandboxState({ ...STATE, dataDir: '/data' }, env);
    expect(path).toBe(sandboxStatePath(env));
    expect(await readSandboxState(env)).toEqual({ ...STATE, dataDir: '/data' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'nested', 'state'))).toEqual(['sandbox.json']);
  });

  it('replaces an earlier file whole', async () => {
    await writeSandboxState({ ...STATE, url: 'http://127.0.0.1:1111' }, env);
    await writeSandboxState(STATE, env);
    expect(await readSandboxState(env)).toEqual(STATE);
  });

  it('throws ERR_SANDBOX_NOT_RUNNING (exit 2) with the start hint when there is no file', async () => {
    await expect(readSandboxState(env)).rejects.toMatchObject({
      code: 'ERR_SANDBOX_NOT_RUNNING',
      exitCode: 2,
      hint: expect.stringMatching(/start it with: cogcf dev/i),
    });
  });

  it('treats a file whose process is gone as no sandbox', async () => {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    await writeSandboxState({ ...STATE, pid }, env);
    await expect(readSandboxState(env)).rejects.toMatchObject({ code: 'ERR_SANDBOX_NOT_RUNNING', message: expect.stringContaining('no longer running') });
  });

  it.each([['not JSON', '{'], ['a wrong shape', '{"pid":"1"}'], ['a negative pid', JSON.stringify({ ...STATE, pid: -1 })]])(
    'refuses a file with %s',
    async (_name, text) => {
      await writeSandboxState(STATE, env);
      writeFileSync(sandboxStatePath(env), text);
      await expect(readSandboxState(env)).rejects.toMatchObject({ code: 'ERR_SANDBOX_NOT_RUNNING', message: expect.stringContaining('is not valid') });
    },
  );
});

describe('removeSandboxState', () => {
  it('removes its own file and leaves a newer sandbox\'s file alone', async () => {
    await writeSandboxState({ ...STATE, pid: 999_999 }, env);
    await removeSandboxState(process.pid, env);
    expect(JSON.parse(readFileSync(sandboxStatePath(env), 'utf8'))).toMatchObject({ pid: 999_999 });
    await removeSandboxState(999_999, env);
    await expect(readSandboxState(env)).rejects.toMatchObject({ message: expect.stringContaining('No cogcf dev sandbox is running') });
  });

  it('does nothing when there is no file', async () => {
    await expect(removeSandboxState(process.pid, env)).resolves.toBeUndefined();
  });
});
