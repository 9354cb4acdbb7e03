import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../../runtime/checker/checker.js';
import type { CheckerConfig } from '../../../runtime/core/config.js';
import { createDynamoClient, type DynamoClient } from '../../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../../runtime/core/session-ids.js';
import { SessionTable } from '../../../runtime/core/session-table.js';
import {
  answered,
  checkerConfig,
  COOKIE,
  countingClient,
  forwarded,
  headerValue,
  storeSession,
  viewerRequest,
  type RequestParts,
} from '../../fixtures/checker/events.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';

const T0 = 1_800_000_000_000; // epoch ms
const T0_SECONDS = T0 / 1000;

describe('session checker against dynalite', () => {
  let db: SessionDb;
  let client: DynamoClient;
  let table: SessionTable;
  beforeAll(async () => {
    db = await startSessionDb();
    client = createDynamoClient(db.table, { env: TEST_ENV });
    table = new SessionTable(client, db.table.name);
  });
  afterAll(() => db.close());

  /** A fresh checker (empty caches) on a clock the test moves. */
  function setup(overrides: Partial<CheckerConfig> = {}) {
    const counting = countingClient(client);
    const clock = { ms: T0 };
    const check = createChecker(checkerConfig(db.table, overrides), { db: counting, now: () => clock.ms });
    return { check, clock, reads: () => counting.calls, run: (parts: RequestParts) => check(viewerRequest(parts)) };
  }

  const expectLoginRedirect = (result: Awaited<ReturnType<ReturnType<typeof setup>['run']>>, path: string, clearsCookie: boolean) => {
    const response = answered(result);
    expect(response.status).toBe('302');
    expect(headerValue(response.headers, 'location')).toBe(`/_identity/login?path=${encodeURIComponent(path)}`);
    expect(headerValue(response.headers, 'cache-control')).toBe('no-store');
    if (clearsCookie) expect(headerValue(response.headers, 'set-cookie')).toMatch(new RegExp(`^${COOKIE}=; Path=/; Max-Age=0;.*Secure; HttpOnly`));
    else expect(response.headers?.['set-cookie']).toBeUndefined();
  };

  describe('a valid session', () => {
    it('passes with the identity headers and without our cookies', async () => {
      const { id, row } = await storeSession(table, T0_SECONDS, { email: 'ann@example.com', groups: ['admins', 'staff'] });
      const { run } = setup();
      const request = forwarded(
        await run({ cookies: [`theme=dark; ${COOKIE}=${id}; ${COOKIE}-login=${newId()}`, 'lang=en'] }),
      );
      expect(headerValue(request.headers, 'x-barrier-session')).toBe(row.handle);
      expect(headerValue(request.headers, 'x-barrier-session')).not.toBe(id);
      expect(headerValue(request.headers, 'x-barrier-user-sub')).toBe(row.sub);
      expect(headerValue(request.headers, 'x-barrier-user-email')).toBe('ann@example.com');
      expect(headerValue(request.headers, 'x-barrier-groups')).toBe('admins,staff');
      expect(request.headers.cookie).toEqual([
        { key: 'Cookie', value: 'theme=dark' },
        { key: 'Cookie', value: 'lang=en' },
      ]);
      expect(request.headers.host).toEqual([{ key: 'Host', value: 'app.example.com' }]);
    });

    it('drops the cookie header when only our cookie was in it', async () => {
      const { id } = await storeSession(table, T0_SECONDS);
      const { run } = setup();
      expect(forwarded(await run({ cookies: [`${COOKIE}=${id}`] })).headers.cookie).toBeUndefined();
    });

    it('sends identity values that cannot break a header, and group names with commas stay one name', async () => {
      const { id } = await storeSession(table, T0_SECONDS, { email: 'x@example.com\r\nx-barrier-groups: admins', groups: ['a,b', 'ünï', 'c'] });
      const request = forwarded(await setup().run({ cookies: [`${COOKIE}=${id}`] }));
      const email = headerValue(request.headers, 'x-barrier-user-email')!;
      expect(email).not.toMatch(/[\0-\x1f\x7f]/);
      expect(decodeURIComponent(email)).toBe('x@example.com\r\nx-barrier-groups: admins');
      expect(headerValue(request.headers, 'x-barrier-groups')!.split(',').map(decodeURIComponent)).toEqual(['a,b', 'ünï', 'c']);
    });
  });

  describe('no valid session: login redirect', () => {
    it('without a cookie, keeping the path and query, and no cookie is cleared', async () => {
      const { run, reads } = setup();
      expectLoginRedirect(await run({ uri: '/docs/a b.html', querystring: 'x=1&y=%2F' }), '/docs/a b.html?x=1&y=%2F', false);
      expectLoginRedirect(await run({ uri: '/' }), '/', false);
      expect(reads()).toBe(0);
    });

    it('for an expired row, which DynamoDB TTL may not have deleted yet', async () => {
      const { id } = await storeSession(table, T0_SECONDS - 7200, { expiresAt: T0_SECONDS - 1 });
      expectLoginRedirect(await setup().run({ cookies: [`${COOKIE}=${id}`] }), '/docs/index.html', true);
    });

    it('for an unknown id', async () => {
      const { run, reads } = setup();
      expectLoginRedirect(await run({ cookies: [`${COOKIE}=${newId()}`] }), '/docs/index.html', true);
      expect(reads()).toBe(1);
    });

    it('for a login row presented as a session cookie (the 2019 bypass)', async () => {
      const loginId = newId();
      await table.putLogin({ handle: handleOf(loginId), state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: T0_SECONDS + 600 });
      const { run, reads } = setup();
      expectLoginRedirect(await run({ cookies: [`${COOKIE}=${loginId}`] }), '/docs/index.html', true);
      expectLoginRedirect(await run({ cookies: [`${COOKIE}-login=${loginId}`] }), '/docs/index.html', false);
      expect(reads()).toBe(1);
    });

    it('for a tampered id: well-formed ones cost one read, malformed ones none', async () => {
      const { id } = await storeSession(table, T0_SECONDS);
      const { run, reads } = setup();
      const flipped = (id[0] === 'A' ? 'B' : 'A') + id.slice(1);
      expectLoginRedirect(await run({ cookies: [`${COOKIE}=${flipped}`] }), '/docs/index.html', true);
      expect(reads()).toBe(1);
      const malformed = [id.slice(1), id + 'A', id.slice(0, 42) + '+', id.slice(0, 42) + '=', `${id.slice(0, 21)}.${id.slice(22)}`, '', 'null', `"${id}x"`, id.replace(/./, 'é')];
      for (const value of malformed) {
        expectLoginRedirect(await run({ cookies: [`${COOKIE}=${value}`] }), '/docs/index.html', true);
      }
      expect(reads()).toBe(1);
    });

    it('encodes a path that would otherwise escape the query parameter', async () => {
      const { run } = setup();
      const result = answered(await run({ uri: '//evil.example/x&path=@evil', querystring: 'a=1#frag' }));
      expect(headerValue(result.headers, 'location')).toBe('/_identity/login?path=%2F%2Fevil.example%2Fx%26path%3D%40evil%3Fa%3D1%23frag');
    });
  });

  describe('cache', () => {
    /** Passes from the cache (one read) until `endsAtMs`, then reads again and redirects. */
    async function expectCachedUntil(env: ReturnType<typeof setup>, id: string, endsAtMs: number) {
      env.clock.ms = endsAtMs - 1;
      forwarded(await env.run({ cookies: [`${COOKIE}=${id}`] }));
      expect(env.reads()).toBe(1);
      env.clock.ms = endsAtMs;
      expectLoginRedirect(await env.run({ cookies: [`${COOKIE}=${id}`] }), '/docs/index.html', true);
      expect(env.reads()).toBe(2);
    }

    it('lets a revoked session pass only until the cache TTL ends', async () => {
      const { id, row } = await storeSession(table, T0_SECONDS);
      const env = setup({ cacheTtlSeconds: 30 });
      forwarded(await env.run({ cookies: [`${COOKIE}=${id}`] }));
      await table.deleteSession(row.handle, T0_SECONDS);
      await expectCachedUntil(env, id, T0 + 30_000);
    });

    it('never keeps a session past its expiry', async () => {
      const { id } = await storeSession(table, T0_SECONDS, { expiresAt: T0_SECONDS + 10 });
      const env = setup({ cacheTtlSeconds: 30 });
      forwarded(await env.run({ cookies: [`${COOKIE}=${id}`] }));
      await expectCachedUntil(env, id, T0 + 10_000);
    });

    it('remembers an unknown id for the negative TTL only', async () => {
      const { run, clock, reads } = setup({ negativeCacheTtlSeconds: 5 });
      const id = newId();
      for (let i = 0; i < 3; i++) answered(await run({ cookies: [`${COOKIE}=${id}`] }));
      expect(reads()).toBe(1);
      // A session created meanwhile (by a sign-in) shows once the entry is gone.
      await table.putSession({ handle: handleOf(id), sub: 's', email: '', groups: [], createdAt: T0_SECONDS, expiresAt: T0_SECONDS + 60 });
      clock.ms = T0 + 4_999;
      answered(await run({ cookies: [`${COOKIE}=${id}`] }));
      clock.ms = T0 + 5_000;
      forwarded(await run({ cookies: [`${COOKIE}=${id}`] }));
      expect(reads()).toBe(2);
    });

    it('holds at most cacheMaxEntries sessions, evicting the least recently used', async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => storeSession(table, T0_SECONDS)));
      const { run, reads } = setup({ cacheMaxEntries: 2 });
      const visit = async (s: { id: string }) => forwarded(await run({ cookies: [`${COOKIE}=${s.id}`] }));
      await visit(a!);
      await visit(b!);
      await visit(a!); // a is now the most recently used
      expect(reads()).toBe(2);
      await visit(c!); // evicts b
      await visit(a!);
      expect(reads()).toBe(3);
      await visit(b!);
      expect(reads()).toBe(4);
    });

    it('reads each session once per TTL, even for concurrent requests', async () => {
      const { id } = await storeSession(table, T0_SECONDS);
      const { run, clock, reads } = setup({ cacheTtlSeconds: 30 });
      const results = await Promise.all(Array.from({ length: 50 }, () => run({ cookies: [`${COOKIE}=${id}`] })));
      results.forEach(forwarded);
      for (let i = 0; i < 100; i++) {
        clock.ms = T0 + i * 290;
        forwarded(await run({ cookies: [`${COOKIE}=${id}`] }));
      }
      expect(reads()).toBe(1);
      const unknown = newId();
      await Promise.all(Array.from({ length: 20 }, () => run({ cookies: [`${COOKIE}=${unknown}`] })));
      expect(reads()).toBe(2);
    });
  });

  describe('spoofed identity headers', () => {
    const spoofed = {
      'x-barrier-session': 'forged-handle',
      'x-barrier-user-sub': 'admin',
      'x-barrier-user-email': 'boss@example.com',
      'x-barrier-groups': 'admins',
      'x-barrier-anything': ['1', '2'],
      'X-Barrier-Groups': 'admins',
    };

    it('are replaced by ours on a signed-in request', async () => {
      const { id, row } = await storeSession(table, T0_SECONDS, { groups: [] });
      const request = forwarded(await setup().run({ cookies: [`${COOKIE}=${id}`], headers: spoofed }));
      const barrier = Object.keys(request.headers).filter((n) => n.toLowerCase().startsWith('x-barrier-'));
      expect(barrier.sort()).toEqual(['x-barrier-groups', 'x-barrier-session', 'x-barrier-user-email', 'x-barrier-user-sub']);
      expect(request.headers['x-barrier-session']).toEqual([{ key: 'X-Barrier-Session', value: row.handle }]);
      expect(request.headers['x-barrier-groups']).toEqual([{ key: 'X-Barrier-Groups', value: '' }]);
      expect(request.headers['x-barrier-user-email']).toEqual([{ key: 'X-Barrier-User-Email', value: 'user@example.com' }]);
    });

    it('are removed on a public path, with our cookie', async () => {
      const request = forwarded(await setup().run({ uri: '/assets/app.js', cookies: [`a=1; ${COOKIE}=${newId()}`], headers: spoofed }));
      expect(Object.keys(request.headers).filter((n) => n.toLowerCase().startsWith('x-barrier'))).toEqual([]);
      expect(request.headers.cookie).toEqual([{ key: 'Cookie', value: 'a=1' }]);
    });

    it('never let an anonymous request through', async () => {
      expect(answered(await setup().run({ headers: spoofed })).status).toBe('302');
    });
  });

  describe('tolerant cookie reading', () => {
    // Neighbours seen in the wild (analytics, other apps on the domain, broken clients).
    const nasty = [
      'foo={"a":1}', '=', ';;;', '""', '"', "'", 'a=b=c', '=value', 'name', 'a="unterminated', 'a=";"', '\t', '   ',
      'ünï=cödé', 'emoji=🍪', '%E2%82%AC=%', 'a=\u0000b', '__Host-=x', `${COOKIE}`, `${COOKIE} =bad`, `x${COOKIE}=bad`,
      `${COOKIE}-login=${'A'.repeat(43)}`, 'a=1,b=2', '$Version=1', 'a=1;; ;b=2',
    ];
    // 100 distinct malformed headers: each pattern alone, doubled, with a prefix, and with a trailing separator.
    const malformed = nasty.flatMap((n, i) => [n, `${n}; ${n}`, `x${i}=1; ${n}`, `${n};`]);

    it('never lets one of 100 malformed headers hide a valid cookie', async () => {
      expect(new Set(malformed).size).toBe(100);
      const { id, row } = await storeSession(table, T0_SECONDS);
      const { run, reads } = setup();
      for (const bad of malformed) {
        for (const cookies of [[bad, `${COOKIE}=${id}`], [`${COOKIE}=${id}`, bad], [`${bad}; ${COOKIE}=${id}`], [`${COOKIE}=${id}; ${bad}`]]) {
          const request = forwarded(await run({ cookies }));
          expect(headerValue(request.headers, 'x-barrier-session')).toBe(row.handle);
          expect((request.headers.cookie ?? []).map((c) => c.value).join(';')).not.toContain(id);
        }
      }
      const all = forwarded(await run({ cookies: [...malformed, `${COOKIE}="${id}"`] }));
      expect(headerValue(all.headers, 'x-barrier-session')).toBe(row.handle);
      expect(reads()).toBe(1);
    });

    it('handles a 20 KB cookie header', async () => {
      const { id, row } = await storeSession(table, T0_SECONDS);
      const { run, reads } = setup();
      const filler = Array.from({ length: 400 }, (_, i) => `c${i}=${'v'.repeat(45)}`).join('; ');
      expect(filler.length).toBeGreaterThan(20_000);
      const request = forwarded(await run({ cookies: [`${filler}; ${COOKIE}=${id}`] }));
      expect(headerValue(request.headers, 'x-barrier-session')).toBe(row.handle);
      expect(request.headers.cookie).toEqual([{ key: 'Cookie', value: filler }]);
      expectLoginRedirect(await run({ cookies: [filler] }), '/docs/index.html', false);
      expectLoginRedirect(await run({ cookies: [`${COOKIE}=${'x'.repeat(20_000)}`] }), '/docs/index.html', true);
      expect(reads()).toBe(1);
    });

    it('tries duplicates in order, with a bounded number of reads', async () => {
      const { id, row } = await storeSession(table, T0_SECONDS);
      const { run, reads } = setup();
      const pass = async (cookies: string[]) => expect(headerValue(forwarded(await run({ cookies })).headers, 'x-barrier-session')).toBe(row.handle);
      await pass([`${COOKIE}=garbage; ${COOKIE}=${id}`]);
      await pass([`${COOKIE}=${newId()}`, `${COOKIE}=${id}`]);
      expect(reads()).toBe(2);
      const unknown = Array.from({ length: 10 }, () => `${COOKIE}=${newId()}`);
      answered(await run({ cookies: [...unknown, `${COOKIE}=${id}`] }));
      expect(reads()).toBe(4);
    });
  });

  describe('public paths', () => {
    it('pass without a session, exactly as globbed', async () => {
      const { run, reads } = setup({ publicPaths: ['/favicon.ico', '/assets/*', '/img/*.png', '/a.b+(c)'] });
      for (const uri of ['/favicon.ico', '/assets/', '/assets/app.js', '/assets/deep/a%20b.css', '/img/x/y.png', '/a.b+(c)']) {
        forwarded(await run({ uri }));
      }
      for (const uri of ['/favicon.ico.bak', '/favicon.ico/x', '/assets', '/assetsX/app.js', '/img/x.jpg', '/aXb+(c)', '/x/favicon.ico', '/a.bb+(c)']) {
        answered(await run({ uri }));
      }
      expect(reads()).toBe(0);
    });

    it('never cover a path an origin would resolve out of them', async () => {
      const { run } = setup({ publicPaths: ['/assets/*'] });
      for (const uri of ['/assets/../admin/x', '/assets/%2e%2e/admin/x', '/assets/..%2fadmin', '/assets/..;/admin', '/assets/..\\admin', '/assets/%zz', '/assets/%c0%af']) {
        expect(answered(await run({ uri })).status).toBe('302');
      }
      forwarded(await run({ uri: '/assets/./a//b.js' }));
    });
  });

  describe('groups', () => {
    it('a global requirement: a signed-in user without the group gets a 403 page, not a redirect', async () => {
      const staff = await storeSession(table, T0_SECONDS, { groups: ['staff'] });
      const other = await storeSession(table, T0_SECONDS, { groups: ['guests'], email: '<b>eve</b>@example.com' });
      const { run } = setup({ allowedGroups: ['admins', 'staff'] });
      forwarded(await run({ cookies: [`${COOKIE}=${staff.id}`] }));
      const denied = answered(await run({ cookies: [`${COOKIE}=${other.id}`] }));
      expect(denied.status).toBe('403');
      expect(denied.headers?.location).toBeUndefined();
      expect(denied.headers?.['set-cookie']).toBeUndefined();
      expect(headerValue(denied.headers, 'cache-control')).toBe('no-store');
      expect(headerValue(denied.headers, 'content-type')).toBe('text/html; charset=utf-8');
      expect(denied.body).toContain('href="/_identity/logout"');
      expect(denied.body).toContain('&lt;b&gt;eve&lt;/b&gt;@example.com');
      expect(denied.body).not.toContain('<b>');
    });

    it('per path: the most specific rule decides, also for paths an origin would resolve into it', async () => {
      const admin = await storeSession(table, T0_SECONDS, { groups: ['admins'] });
      const user = await storeSession(table, T0_SECONDS, { groups: ['users'] });
      const { run } = setup({
        pathRules: [
          { prefix: '/admin/', allowedGroups: ['admins'] },
          { prefix: '/admin/help/', allowedGroups: [] },
        ],
      });
      const as = async (who: { id: string }, uri: string) => run({ uri, cookies: [`${COOKIE}=${who.id}`] });
      for (const uri of ['/admin/', '/admin/users', '/admin/help/x']) forwarded(await as(admin, uri));
      for (const uri of ['/docs', '/admin/help/', '/admin/help/x']) forwarded(await as(user, uri));
      for (const uri of ['/admin', '/ADMIN/users', '/admin/', '/admin/users', '/admin/help/../users', '//admin/users', '/%61dmin/users', '/admin;x/users', '/docs/..%2Fadmin/users', '/admin/%zz']) {
        expect(answered(await as(user, uri)).status).toBe('403');
      }
    });
  });
});
