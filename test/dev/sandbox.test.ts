// The sandbox's own lifecycle, without a browser: a kept --data-dir survives a
// restart, and a stopped sandbox leaves no state file and no listener behind.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { SANDBOX_DB_ENV, readSandboxState } from '../../src/dev/sandbox-state.js';
import { startSandbox, type SandboxOptions } from '../../src/dev/sandbox.js';

describe('the sandbox', () => {
  let dir: string;
  const savedStateDir = process.env.COGCF_STATE_DIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cogcf-sandbox-'));
    process.env.COGCF_STATE_DIR = join(dir, 'state');
  });
  afterAll(() => {
    if (savedStateDir === undefined) delete process.env.COGCF_STATE_DIR;
    else process.env.COGCF_STATE_DIR = savedStateDir;
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (dataDir: string): SandboxOptions => ({
    port: 0,
    users: [{ email: 'a@example.com', password: 'p' }],
    origin: { kind: 'demo' },
    publicPaths: [],
    allowedGroups: [],
    dataDir,
    log: () => {},
  });

  it('keeps its sessions in --data-dir across a restart, and cleans up when it stops', async () => {
    const dataDir = join(dir, 'data');
    const now = Math.floor(Date.now() / 1000);
    const row = { handle: handleOf(newId()), sub: 'sub-1', email: 'a@example.com', groups: [], createdAt: now, expiresAt: now + 3600 };

    const first = await startSandbox(options(dataDir));
    const { table } = await readSandboxState();
    await new SessionTable(createDynamoClient(table, { env: SANDBOX_DB_ENV }), table.name).putSession(row);
    expect(existsSync(join(dataDir, 'build', 'checker.zip'))).toBe(true);
    await first.close();
    expect(existsSync(first.statePath)).toBe(false);
    await expect(fetch(first.url)).rejects.toThrow();

    const second = await startSandbox(options(dataDir));
    try {
      const again = (await readSandboxState()).table;
      expect(await new SessionTable(createDynamoClient(again, { env: SANDBOX_DB_ENV }), again.name).readSession(row.handle, now)).toEqual(row);
    } finally {
      await second.close();
    }
  });
});
