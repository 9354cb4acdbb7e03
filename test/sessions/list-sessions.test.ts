import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { listSessions, sessionUser } from '../../src/sessions/list-sessions.js';
import { TEST_ENV } from '../support/session-db.js';
import { NOW, startSessionWorld, type SessionWorld } from './session-fixtures.js';

let world: SessionWorld;
beforeEach(async () => {
  world = await startSessionWorld();
});
afterEach(() => world.close());

describe('listSessions', () => {
  it('lists nothing in an empty table', async () => {
    expect(await listSessions(world.table, NOW)).toEqual([]);
  });

  it('lists every live session, oldest first, with its user and times', async () => {
    const newer = await world.addSession('sub-b', 'bob@example.com', { agoSeconds: 10 });
    const older = await world.addSession('sub-a', 'alice@example.com', { agoSeconds: 600, groups: ['admins'] });
    expect(await listSessions(world.table, NOW)).toEqual([older, newer]);
  });

  it('leaves out expired sessions and login rows', async () => {
    const live = await world.addSession('sub-a', 'alice@example.com');
    await world.addSession('sub-a', 'alice@example.com', { expiresAt: NOW - 1 });
    await world.addSession('sub-c', 'carol@example.com', { expiresAt: NOW });
    await world.table.putLogin({ handle: handleOf(newId()), state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: NOW + 600 });
    expect(await listSessions(world.table, NOW)).toEqual([live]);
  });

  it('reads past the first page of a Scan', async () => {
    // dynalite pages at 1 MB: a few hundred sessions with long e-mail addresses cross it.
    const email = `${'x'.repeat(3000)}@example.com`;
    const rows = [];
    for (let i = 0; i < 400; i++) rows.push(await world.addSession(`sub-${i}`, email, { agoSeconds: i }));
    const db = createDynamoClient(world.db.table, { env: TEST_ENV });
    const operations: string[] = [];
    const counting = new SessionTable({ call: (op, input, options) => (operations.push(op), db.call(op, input, options)) }, world.db.table.name);
    const listed = await listSessions(counting, NOW);
    expect(operations.length).toBeGreaterThan(1);
    expect(operations.every((op) => op === 'Scan')).toBe(true);
    expect(listed).toHaveLength(400);
    expect(new Set(listed.map((s) => s.handle))).toEqual(new Set(rows.map((r) => r.handle)));
  });
});

describe('sessionUser', () => {
  it('names a user by e-mail address, or by sub when there is none', () => {
    const base = { handle: 'h', groups: [], createdAt: NOW, expiresAt: NOW + 1 };
    expect(sessionUser({ ...base, sub: 'sub-1', email: 'a@example.com' })).toBe('a@example.com');
    expect(sessionUser({ ...base, sub: 'sub-1', email: '' })).toBe('sub-1');
  });
});
