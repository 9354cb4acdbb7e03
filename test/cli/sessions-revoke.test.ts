// `cogcf sessions` and `cogcf revoke` as a user runs them: the built bin in
// its own process, finding the sandbox through its state file. The sandbox's
// table is a dynalite in another process (runBin blocks this one while the
// bin runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TableConfig } from '../../runtime/core/config.js';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable, type SessionRow } from '../../runtime/core/session-table.js';
import { SANDBOX_DB_ENV, sandboxStatePath, writeSandboxState } from '../../src/dev/sandbox-state.js';
import { ROOT, runBin } from './run-bin.js';

let stateDir: string;
let dbProcess: ChildProcess;
let table: TableConfig;
let sessions: SessionTable;
const env = (): Record<string, string> => ({ COGCF_STATE_DIR: stateDir });

/** Starts test/support/session-db.ts in a child process and reads its table config. */
async function startDbProcess(): Promise<{ child: ChildProcess; table: TableConfig }> {
  const script = "const { startSessionDb } = await import('./test/support/session-db.ts'); console.log(JSON.stringify((await startSessionDb()).table));";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, table: JSON.parse(line) as TableConfig };
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'cogcf-state-'));
  vi.stubEnv('COGCF_STATE_DIR', stateDir);
  ({ child: dbProcess, table } = await startDbProcess());
  sessions = new SessionTable(createDynamoClient(table, { env: SANDBOX_DB_ENV }), table.name);
});
afterAll(() => {
  dbProcess.kill();
  vi.unstubAllEnvs();
  rmSync(stateDir, { recursive: true, force: true });
});

const announce = (pid = process.pid, at: TableConfig = table) =>
  writeSandboxState({ pid, url: 'http://127.0.0.1:8080', table: at, startedAt: new Date().toISOString() }, env());

async function addSession(sub: string, email: string, agoSeconds = 0): Promise<SessionRow> {
  const now = Math.floor(Date.now() / 1000);
  const row = { handle: handleOf(newId()), sub, email, groups: ['staff'], createdAt: now - agoSeconds, expiresAt: now + 3600 };
  await sessions.putSession(row);
  return row;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('without a running sandbox', () => {
  beforeEach(() => rmSync(sandboxStatePath(env()), { force: true }));

  it.each([
    ['sessions', ['sessions', '--sandbox']],
    ['revoke', ['revoke', '--user', 'alice@example.com', '--sandbox']],
  ])('%s exits 2 with the hint to start one when there is no state file', (_name, args) => {
    const r = runBin('cogcf', args);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: No cogcf dev sandbox is running');
    expect(r.stderr).toMatch(/hint: start it with: cogcf dev/i);
  });

  it('says so in JSON under --json', () => {
    const r = runBin('cogcf', ['sessions', '--sandbox', '--json']);
    expect(r.status, r.transcript).toBe(2);
    expect(json(r.stdout)).toMatchObject({ schemaVersion: 1, command: 'sessions', ok: false, error: { code: 'ERR_SANDBOX_NOT_RUNNING' } });
  });

  it('exits 2 when the sandbox that wrote the state file is gone', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']);
    await announce(exited.pid);
    const r = runBin('cogcf', ['sessions', '--sandbox']);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain(`(pid ${exited.pid}) is no longer running`);
    expect(r.stderr).toMatch(/hint: start it with: cogcf dev/i);
  });

  it('exits 1 with ERR_SESSION_TABLE when the sandbox is alive but its table does not answer', async () => {
    await announce(process.pid, { ...table, endpoint: 'http://127.0.0.1:1' });
    const r = runBin('cogcf', ['sessions', '--sandbox', '--json']);
    expect(r.status, r.transcript).toBe(1);
    expect(json(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_TABLE' } });
  });
});

describe('flags', () => {
  it.each([
    ['sessions', ['sessions']],
    ['revoke <handle>', ['revoke', handleOf('x')]],
    ['revoke --user', ['revoke', '--user', 'alice@example.com']],
  ])('%s without --sandbox or --config: exit 2, naming both', (_name, args) => {
    const r = runBin('cogcf', [...args, '--json']);
    expect(r.status, r.transcript).toBe(2);
    const { error } = json(r.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toBe('give either --sandbox (the running cogcf dev) or --config <file> (a deployed barrier)');
    expect(error.hint).toContain('--sandbox`');
    expect(error.hint).toContain('--config barrier.json`');
  });

  it('refuses both --sandbox and --config (exit 2)', () => {
    const r = runBin('cogcf', ['sessions', '--sandbox', '--config', 'barrier.json']);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('error: give either --sandbox (the running cogcf dev) or --config <file> (a deployed barrier), not both');
  });

  it.each([
    ['nothing to revoke', ['revoke', '--sandbox'], 'missing <handle> or --user <email|sub>'],
    ['both a handle and --user', ['revoke', handleOf('x'), '--user', 'a@example.com', '--sandbox'], 'give either a session <handle> or --user <email|sub>, not both'],
    ['an empty --user', ['revoke', '--user', '', '--sandbox'], '--user <email|sub> needs an e-mail address or a sub'],
    ['a handle that cannot be one', ['revoke', 'not-a-handle', '--sandbox'], '"not-a-handle" is not a session handle'],
    ['--user without its value', ['revoke', '--sandbox', '--user'], "option '--user <email|sub>' argument missing"],
  ])('revoke with %s: exit 2 naming the flag', (_name, args, message) => {
    const r = runBin('cogcf', args);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: ${message}`);
    expect(r.stderr).toContain('hint: ');
  });
});

describe('against a running sandbox', () => {
  beforeAll(() => announce());

  it('sessions --sandbox lists handle, user (e-mail, else sub), created and expires as ISO times', async () => {
    const alice = await addSession('sub-alice-list', 'alice.list@example.com', 60);
    const anonymous = await addSession('sub-without-email', '', 30);
    const r = runBin('cogcf', ['sessions', '--sandbox']);
    expect(r.status, r.transcript).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^handle\s+user\s+created\s+expires$/);
    const row = (s: SessionRow, user: string) => new RegExp(`^${s.handle}\\s+${user}\\s+${iso(s.createdAt)}\\s+${iso(s.expiresAt)}$`, 'm');
    expect(r.stdout).toMatch(row(alice, 'alice\\.list@example\\.com'));
    expect(r.stdout).toMatch(row(anonymous, 'sub-without-email'));
    expect(r.stderr).toContain('in the cogcf dev sandbox at http://127.0.0.1:8080');
  });

  it('sessions --sandbox --json prints one document with every session', async () => {
    const bob = await addSession('sub-bob-json', 'bob.json@example.com');
    const r = runBin('cogcf', ['sessions', '--sandbox', '--json']);
    expect(r.status, r.transcript).toBe(0);
    const doc = json(r.stdout) as { sessions: unknown[] };
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'sessions', ok: true, target: { kind: 'sandbox', url: 'http://127.0.0.1:8080', pid: process.pid, table: table.name } });
    expect(doc.sessions).toContainEqual({
      handle: bob.handle,
      sub: bob.sub,
      email: bob.email,
      groups: ['staff'],
      createdAt: iso(bob.createdAt),
      expiresAt: iso(bob.expiresAt),
    });
  });

  it('revoke <handle> --sandbox ends that session; a second revoke is a no-op that still exits 0', async () => {
    const carol = await addSession('sub-carol', 'carol@example.com');
    const keep = await addSession('sub-carol', 'carol@example.com');
    const first = runBin('cogcf', ['revoke', carol.handle, '--sandbox']);
    expect(first.status, first.transcript).toBe(0);
    expect(first.stdout).toContain('Revoked 1 session of carol@example.com');
    expect(first.stdout).toContain(carol.handle);
    expect(first.stderr).toContain('cache TTL');
    const now = Math.floor(Date.now() / 1000);
    expect(await sessions.readSession(carol.handle, now)).toBeUndefined();
    expect(await sessions.readSession(keep.handle, now)).toEqual(keep);

    const again = runBin('cogcf', ['revoke', carol.handle, '--sandbox', '--json']);
    expect(again.status, again.transcript).toBe(0);
    expect(json(again.stdout)).toMatchObject({ command: 'revoke', ok: true, handle: carol.handle, revoked: [], alreadyGone: [carol.handle] });
    const listed = runBin('cogcf', ['sessions', '--sandbox']);
    expect(listed.stdout).not.toContain(carol.handle);
    expect(listed.stdout).toContain(keep.handle);
  });

  it('revoke takes a handle that starts with "-" (one in 64 do) as the handle, not as an option', async () => {
    let handle = handleOf(newId());
    while (!handle.startsWith('-')) handle = handleOf(newId());
    const now = Math.floor(Date.now() / 1000);
    const row = { handle, sub: 'sub-dash', email: 'dash@example.com', groups: [], createdAt: now, expiresAt: now + 3600 };
    await sessions.putSession(row);
    const r = runBin('cogcf', ['revoke', handle, '--sandbox']);
    expect(r.status, r.transcript).toBe(0);
    expect(r.stdout).toContain('Revoked 1 session of dash@example.com');
    expect(await sessions.readSession(handle, now)).toBeUndefined();
  });

  it('revoke --user <email> --sandbox ends every session of that user, and only theirs', async () => {
    const d1 = await addSession('sub-dave', 'dave@example.com');
    const d2 = await addSession('sub-dave', 'dave@example.com');
    const erin = await addSession('sub-erin', 'erin@example.com');
    const r = runBin('cogcf', ['revoke', '--user', 'dave@example.com', '--sandbox', '--json']);
    expect(r.status, r.transcript).toBe(0);
    const doc = json(r.stdout) as { revoked: { handle: string }[] };
    expect(doc).toMatchObject({ command: 'revoke', ok: true, user: 'dave@example.com', subs: ['sub-dave'], alreadyGone: [] });
    expect(doc.revoked.map((s) => s.handle).sort()).toEqual([d1.handle, d2.handle].sort());
    const now = Math.floor(Date.now() / 1000);
    expect(await sessions.readSession(erin.handle, now)).toEqual(erin);
  });

  it('revoke --user <sub> --sandbox works by sub, and says when there was nothing to revoke', async () => {
    const frank = await addSession('sub-frank', 'frank@example.com');
    const r = runBin('cogcf', ['revoke', '--user', 'sub-frank', '--sandbox']);
    expect(r.status, r.transcript).toBe(0);
    expect(r.stdout).toContain('Revoked 1 session of frank@example.com');
    expect(r.stdout).toContain(frank.handle);
    const none = runBin('cogcf', ['revoke', '--user', 'nobody@example.com', '--sandbox']);
    expect(none.status, none.transcript).toBe(0);
    expect(none.stdout).toBe('Nothing to revoke: nobody@example.com has no live session (already revoked, expired, or never signed in).\n');
  });
});

describe('help texts (golden)', () => {
  it.each([
    ['cogcf-sessions', ['sessions', '--help']],
    ['cogcf-revoke', ['revoke', '--help']],
  ])('%s', async (name, args) => {
    const r = runBin('cogcf', args);
    expect(r.status, r.transcript).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`${ROOT}snapshots/help/${name}.txt`);
  });
});
