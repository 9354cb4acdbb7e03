import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, DynamoError } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../support/session-db.js';

describe('SessionTable against dynalite', () => {
  let db: SessionDb;
  let table: SessionTable;
  const now = 1_800_000_000;
  beforeAll(async () => {
    db = await startSessionDb();
    table = new SessionTable(createDynamoClient(db.table, { env: TEST_ENV }), db.table.name);
  });
  afterAll(() => db.close());

  it('reads back a live session and refuses an expired one', async () => {
    const live = { handle: handleOf(newId()), sub: 'sub-1', email: 'a@example.com', groups: ['admins'], createdAt: now, expiresAt: now + 60 };
    const dead = { ...live, handle: handleOf(newId()), expiresAt: now - 1 };
    await table.putSession(live);
    await table.putSession(dead);
    expect(await table.readSession(live.handle, now)).toEqual(live);
    expect(await table.readSession(dead.handle, now)).toBeUndefined();
    expect(await table.readSession(handleOf(newId()), now)).toBeUndefined();
  });

  it('never returns a login row as a session', async () => {
    const handle = handleOf(newId());
    await table.putLogin({ handle, state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: now + 600 });
    expect(await table.readSession(handle, now)).toBeUndefined();
    expect(await table.deleteSession(handle, now)).toBeUndefined();
  });

  it('consumes a login row once, and only with its state', async () => {
    const handle = handleOf(newId());
    const row = { handle, state: 'state-1', verifier: 'v', nonce: 'n', returnPath: '/docs?a=1', expiresAt: now + 600 };
    await table.putLogin(row);
    expect(await table.consumeLogin(handle, 'state-2', now)).toBeUndefined();
    expect(await table.consumeLogin(handle, 'state-1', now)).toEqual(row);
    expect(await table.consumeLogin(handle, 'state-1', now)).toBeUndefined();
  });

  it('refuses an expired login row', async () => {
    const handle = handleOf(newId());
    await table.putLogin({ handle, state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: now - 1 });
    expect(await table.consumeLogin(handle, 's', now)).toBeUndefined();
  });

  it('finds a user\'s sessions through the sub index and deletes them', async () => {
    const rows = [1, 2].map(() => ({ handle: handleOf(newId()), sub: 'sub-many', email: '', groups: [], createdAt: now, expiresAt: now + 60 }));
    for (const r of rows) await table.putSession(r);
    expect((await table.sessionHandlesOf('sub-many')).sort()).toEqual(rows.map((r) => r.handle).sort());
    expect(await table.deleteSession(rows[0]!.handle, now)).toEqual(rows[0]);
    expect(await table.deleteSession(rows[0]!.handle, now)).toBeUndefined();
  });

  it('reports an unreachable endpoint and a timeout as typed errors', async () => {
    const closed = createDynamoClient({ name: 't', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, { env: TEST_ENV });
    await expect(closed.call('GetItem', {})).rejects.toMatchObject({ code: 'NetworkError' });
    const missing = createDynamoClient(db.table, { env: {} });
    await expect(missing.call('GetItem', {})).rejects.toBeInstanceOf(DynamoError);
    await expect(new SessionTable(createDynamoClient(db.table, { env: TEST_ENV }), 'no-such-table').readSession('x', now)).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });
});
