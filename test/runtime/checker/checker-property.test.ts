// Property: over random viewer-request events the checker never throws, always
// answers with the request or a well-formed CloudFront response, and never
// forwards a non-public request without a live session from the table.
import type { CloudFrontHeaders, CloudFrontResultResponse } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker, type Checker } from '../../../runtime/checker/checker.js';
import { readCookie } from '../../../runtime/core/cookies.js';
import { createDynamoClient } from '../../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../../runtime/core/session-ids.js';
import { SessionTable, type SessionRow } from '../../../runtime/core/session-table.js';
import { checkerConfig, COOKIE, isResponse, LOGIN_PATH, storeSession, viewerRequest } from '../../fixtures/checker/events.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';

const IDENTITY_HEADERS = ['x-barrier-groups', 'x-barrier-session', 'x-barrier-user-email', 'x-barrier-user-sub'];
const MAX_GENERATED_BYTES = 40 * 1024;

function expectWellFormedResponse(response: CloudFrontResultResponse): void {
  expect(response.status).toMatch(/^[2-5][0-9]{2}$/);
  expect(typeof (response.statusDescription ?? '')).toBe('string');
  const headers: CloudFrontHeaders = response.headers ?? {};
  for (const [name, entries] of Object.entries(headers)) {
    expect(name).toMatch(/^[a-z0-9-]+$/);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.key?.toLowerCase()).toBe(name);
      expect(typeof entry.value).toBe('string');
      expect(entry.value).not.toMatch(/[\0-\x1f\x7f]/);
    }
  }
  if (response.body !== undefined) {
    expect(typeof response.body).toBe('string');
    expect(response.status).not.toBe('204');
  }
  expect(Buffer.byteLength(JSON.stringify(headers) + (response.body ?? ''))).toBeLessThan(MAX_GENERATED_BYTES);
}

describe('session checker over random viewer requests', () => {
  let db: SessionDb;
  let check: Checker;
  let live: { id: string; row: SessionRow }[];
  let otherIds: string[];
  beforeAll(async () => {
    db = await startSessionDb();
    const client = createDynamoClient(db.table, { env: TEST_ENV });
    const table = new SessionTable(client, db.table.name);
    const nowSeconds = Math.floor(Date.now() / 1000);
    live = [
      await storeSession(table, nowSeconds, { groups: ['admins'], email: 'admin@example.com' }),
      await storeSession(table, nowSeconds, { groups: ['users'], email: 'ü\r\n<x>@example.com' }),
      await storeSession(table, nowSeconds),
    ];
    const expired = await storeSession(table, nowSeconds - 7200, { expiresAt: nowSeconds - 1 });
    const loginId = newId();
    await table.putLogin({ handle: handleOf(loginId), state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: nowSeconds + 600 });
    otherIds = [expired.id, loginId];
    check = createChecker(
      checkerConfig(db.table, {
        publicPaths: ['/favicon.ico', '/public-zone/*'],
        pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }],
        cacheMaxEntries: 50,
      }),
      { db: client },
    );
  });
  afterAll(() => db.close());

  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('\ud800', '\r\n', '"', ';', '='));
  const cookieValue = () =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...live.map((s) => s.id), ...otherIds) },
      { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      fc.constantFrom(...live.map((s) => `"${s.id}"`), ...live.map((s) => s.id.slice(1)), ...live.map((s) => s.row.handle)),
      anyText,
    );
  const cookieName = fc.oneof({ weight: 4, arbitrary: fc.constant(COOKIE) }, fc.constantFrom(`${COOKIE}-login`, ` ${COOKIE}`, `x${COOKIE}`, ''), anyText);
  const cookieHeader = () =>
    fc
      .tuple(
        fc.array(fc.oneof({ weight: 4, arbitrary: fc.tuple(cookieName, cookieValue()).map(([n, v]) => `${n}=${v}`) }, anyText), { maxLength: 6 }),
        fc.constantFrom('; ', ';', ' ; ', ';;', ','),
      )
      .map(([pairs, separator]) => pairs.join(separator));
  const uri = fc.oneof(
    fc.webPath(),
    fc.constantFrom('/', '/favicon.ico', '/public-zone/a.js', '/public-zone/../admin/x', '/admin/x', '/admin/../public-zone/x', '/public-zone/%2e%2e/admin/'),
    fc.tuple(fc.constantFrom('/public-zone/', '/admin/', '/', '//'), anyText).map(([p, s]) => p + s),
  );
  const headerName = fc.oneof(fc.constantFrom(...IDENTITY_HEADERS, 'x-barrier-other', 'accept', 'via', 'content-length'), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/));
  const event = () =>
    fc
      .record({
        uri,
        querystring: fc.oneof(fc.constant(''), fc.webQueryParameters(), anyText),
        cookies: fc.option(fc.array(cookieHeader(), { minLength: 1, maxLength: 4 }), { nil: undefined }),
        headers: fc.dictionary(headerName.filter((n) => n !== 'cookie' && n !== 'host'), fc.array(anyText, { minLength: 1, maxLength: 2 }), { maxKeys: 5 }),
      })
      .map((parts) => ({ parts, event: viewerRequest(parts) }));

  it('never throws, never answers malformed, never lets an unknown visitor in', async () => {
    await fc.assert(
      fc.asyncProperty(event(), async ({ parts, event }) => {
        const request = event.Records[0]!.cf.request;
        const result = await check(event);
        if (isResponse(result)) {
          expectWellFormedResponse(result);
          expect(['302', '403']).toContain(result.status);
          if (result.status === '302') expect(result.headers?.location?.[0]?.value.startsWith(LOGIN_PATH)).toBe(true);
          return;
        }
        expect(result).toBe(request);
        const barrier = Object.keys(request.headers).filter((n) => n.toLowerCase().startsWith('x-barrier-'));
        const sent = (parts.cookies ?? []).join(';');
        if (barrier.length === 0) {
          // Forwarded without a session: only a public path may be.
          expect(parts.uri === '/favicon.ico' || parts.uri.startsWith('/public-zone/')).toBe(true);
        } else {
          expect(barrier.sort()).toEqual(IDENTITY_HEADERS);
          const session = live.find((s) => s.row.handle === request.headers['x-barrier-session']?.[0]?.value);
          expect(session).toBeDefined();
          expect([`${COOKIE}=${session!.id}`, `${COOKIE}="${session!.id}"`].some((pair) => sent.includes(pair))).toBe(true);
          expect(request.headers['x-barrier-user-sub']?.[0]?.value).toBe(session!.row.sub);
          if (parts.uri.startsWith('/admin/')) expect(session!.row.groups).toContain('admins');
          for (const name of IDENTITY_HEADERS) expect(request.headers[name]![0]!.value).not.toMatch(/[\0-\x1f\x7f]/);
        }
        const forwardedCookies = (request.headers.cookie ?? []).map((c) => c.value);
        expect(readCookie(forwardedCookies, COOKIE)).toEqual([]);
        expect(readCookie(forwardedCookies, `${COOKIE}-login`)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
