import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { listSessions } from '../../src/sessions/list-sessions.js';
import { planRevocation, revokeSession, revokeUser, subsOf } from '../../src/sessions/revoke.js';
import { NOW, startSessionWorld, type SessionWorld } from './session-fixtures.js';

let world: SessionWorld;
beforeEach(async () => {
  world = await startSessionWorld();
});
afterEach(() => world.close());

const liveHandles = async (): Promise<string[]> => (await listSessions(world.table, NOW)).map((s) => s.handle).sort();

describe('revokeSession', () => {
  it('deletes that session and no other', async () => {
    const target = await world.addSession('sub-a', 'alice@example.com');
    const other = await world.addSession('sub-a', 'alice@example.com');
    expect(await revokeSession(world.table, target.handle, NOW)).toEqual({ revoked: [target], alreadyGone: [] });
    expect(await world.table.readSession(target.handle, NOW)).toBeUndefined();
    expect(await liveHandles()).toEqual([other.handle]);
  });

  it('is a no-op, reported as such, for a handle already revoked or never issued', async () => {
    const session = await world.addSession('sub-a', 'alice@example.com');
    await revokeSession(world.table, session.handle, NOW);
    expect(await revokeSession(world.table, session.handle, NOW)).toEqual({ revoked: [], alreadyGone: [session.handle] });
    const unknown = handleOf(newId());
    expect(await revokeSession(world.table, unknown, NOW)).toEqual({ revoked: [], alreadyGone: [unknown] });
  });

  it('never deletes a login row, even given its handle', async () => {
    const handle = handleOf(newId());
    const login = { handle, state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: NOW + 600 };
    await world.table.putLogin(login);
    expect(await revokeSession(world.table, handle, NOW)).toEqual({ revoked: [], alreadyGone: [handle] });
    expect(await world.table.consumeLogin(handle, 's', NOW)).toEqual(login);
  });
});

describe('revokeUser', () => {
  it('by sub: deletes every session of that sub (through the sub index) and leaves other users alone', async () => {
    const a1 = await world.addSession('sub-a', 'alice@example.com', { agoSeconds: 20 });
    const a2 = await world.addSession('sub-a', 'alice@example.com', { agoSeconds: 10 });
    const bob = await world.addSession('sub-b', 'bob@example.com');
    const result = await revokeUser(world.table, 'sub-a', NOW);
    expect(result).toMatchObject({ user: 'sub-a', subs: ['sub-a'], alreadyGone: [] });
    expect(result.revoked.map((s) => s.handle).sort()).toEqual([a1.handle, a2.handle].sort());
    expect(await liveHandles()).toEqual([bob.handle]);
  });

  it('by e-mail: resolves the address to its subs, in any letter case, and revokes all their sessions', async () => {
    const a1 = await world.addSession('sub-a', 'Alice@Example.com');
    // The same sub signed in again before its e-mail address was verified: no address on that session.
    const a2 = await world.addSession('sub-a', '');
    const bob = await world.addSession('sub-b', 'bob@example.com');
    const result = await revokeUser(world.table, 'alice@example.COM', NOW);
    expect(result.subs).toEqual(['sub-a']);
    expect(result.revoked.map((s) => s.handle).sort()).toEqual([a1.handle, a2.handle].sort());
    expect(await liveHandles()).toEqual([bob.handle]);
  });

  it('does not treat an e-mail address as a sub, nor a sub as an e-mail address', async () => {
    const trap = await world.addSession('carol@example.com', 'dave@example.com');
    expect(await revokeUser(world.table, 'carol@example.com', NOW)).toEqual({ user: 'carol@example.com', subs: [], revoked: [], alreadyGone: [] });
    expect(await revokeUser(world.table, 'dave', NOW)).toMatchObject({ subs: ['dave'], revoked: [] });
    expect(await liveHandles()).toEqual([trap.handle]);
  });

  it('is a no-op, reported as such, for a user without sessions, and when run twice', async () => {
    await world.addSession('sub-a', 'alice@example.com');
    expect(await revokeUser(world.table, 'nobody@example.com', NOW)).toEqual({ user: 'nobody@example.com', subs: [], revoked: [], alreadyGone: [] });
    expect(await revokeUser(world.table, 'sub-unknown', NOW)).toEqual({ user: 'sub-unknown', subs: ['sub-unknown'], revoked: [], alreadyGone: [] });
    expect((await revokeUser(world.table, 'sub-a', NOW)).revoked).toHaveLength(1);
    expect(await revokeUser(world.table, 'sub-a', NOW)).toMatchObject({ revoked: [], alreadyGone: [] });
  });

  it('also clears a sub\'s expired rows, reporting them as already gone', async () => {
    const expired = await world.addSession('sub-a', 'alice@example.com', { expiresAt: NOW - 5 });
    expect(await revokeUser(world.table, 'sub-a', NOW)).toMatchObject({ revoked: [], alreadyGone: [expired.handle] });
    expect(await revokeUser(world.table, 'sub-a', NOW)).toMatchObject({ alreadyGone: [] });
  });
});

describe('planning a revocation (pure)', () => {
  const session = (sub: string, email: string) => ({ handle: `h-${sub}-${email}`, sub, email, groups: [], createdAt: NOW, expiresAt: NOW + 1 });

  it('resolves an e-mail address to the distinct subs of its sessions; anything else is a sub', () => {
    const sessions = [session('s1', 'a@example.com'), session('s2', 'A@EXAMPLE.com'), session('s1', 'a@example.com'), session('s3', 'b@example.com')];
    expect(subsOf('a@example.com', sessions)).toEqual(['s1', 's2']);
    expect(subsOf('c@example.com', sessions)).toEqual([]);
    expect(subsOf('s3', sessions)).toEqual(['s3']);
  });

  it('plans each handle once', () => {
    expect(planRevocation(new Map([['s1', ['h1', 'h2']], ['s2', ['h2', 'h3']]]))).toEqual({ subs: ['s1', 's2'], handles: ['h1', 'h2', 'h3'] });
    expect(planRevocation(new Map())).toEqual({ subs: [], handles: [] });
  });
});
