// `cogcf sessions --config` and `cogcf revoke --config` on a deployed
// barrier: the table is made by `cogcf deploy` against moto, sessions are
// written as the manager writes them, and the built bin lists and revokes
// them with the credentials of its environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable, type SessionRow } from '../../runtime/core/session-table.js';
import { useMoto, writeDeployableConfig } from '../support/moto.js';
import { runBinAsync } from './run-bin.js';

const REGION = 'eu-west-1'; // writeDeployableConfig's
const TABLE = 'cogcf-deployed-sessions';
const moto = useMoto();
let dir: string;
let configPath: string;
let table: SessionTable;

const session = (sub: string, email: string): SessionRow => {
  const now = Math.floor(Date.now() / 1000);
  return { handle: handleOf(newId()), sub, email, groups: ['staff'], createdAt: now, expiresAt: now + 3600 };
};
const alice1 = session('sub-alice', 'alice@example.com');
const alice2 = session('sub-alice', 'alice@example.com');
const bob = session('sub-bob', 'bob@example.com');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogcf-sessions-deployed-'));
  configPath = await writeDeployableConfig(moto, dir, 'deployed-barrier', TABLE);
  const deployed = await runBinAsync('cogcf', ['deploy', '--config', configPath, '--yes', '--stack-prefix', 'sessions'], moto.env);
  if (deployed.status !== 0) throw new Error(`the deploy that makes the table failed:\n${deployed.transcript}`);
  table = new SessionTable(createDynamoClient({ name: TABLE, region: REGION, endpoint: moto.endpoint }, { env: moto.env }), TABLE);
  for (const row of [alice1, alice2, bob]) await table.putSession(row);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cogcf = (...args: string[]) => runBinAsync('cogcf', [...args, '--config', configPath, '--json'], moto.env);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown> & { sessions?: { handle: string }[]; revoked?: { handle: string }[] };

describe('sessions and revoke on a deployed barrier', () => {
  it('lists the live sessions of the deployed table', async () => {
    const r = await cogcf('sessions');

    expect(r.status, r.transcript).toBe(0);
    const doc = json(r.stdout);
    expect(doc.target).toEqual({ kind: 'aws', region: REGION, table: TABLE });
    expect(doc.sessions?.map((s) => s.handle).sort()).toEqual([alice1, alice2, bob].map((s) => s.handle).sort());
    expect(r.stderr).toContain(`3 live sessions in the deployed barrier (${TABLE} in ${REGION}).`);
  });

  it('revokes one session by its handle', async () => {
    const r = await cogcf('revoke', bob.handle);

    expect(r.status, r.transcript).toBe(0);
    expect(json(r.stdout).revoked?.map((s) => s.handle)).toEqual([bob.handle]);
    expect(await table.readSession(bob.handle, Math.floor(Date.now() / 1000))).toBeUndefined();
    expect(await table.readSession(alice1.handle, Math.floor(Date.now() / 1000))).toBeDefined();
  });

  it("revokes every session of a user by e-mail address, through the table's sub index", async () => {
    const r = await cogcf('revoke', '--user', 'alice@example.com');

    expect(r.status, r.transcript).toBe(0);
    expect(json(r.stdout).revoked?.map((s) => s.handle).sort()).toEqual([alice1.handle, alice2.handle].sort());
    expect(json((await cogcf('sessions')).stdout).sessions).toEqual([]);
  });

  it('without usable AWS credentials: exit 1 with the auth hint, and the table untouched', async () => {
    const r = await runBinAsync('cogcf', ['sessions', '--config', configPath], {
      ...moto.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'cogcf-no-such-profile',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });

    expect(r.status, r.transcript).toBe(1);
    expect(r.stderr).toMatch(/^error: AWS did not accept the credentials in use \(dynamodb\)/m);
    expect(r.stderr).toMatch(/^hint: /m);
  });
});
