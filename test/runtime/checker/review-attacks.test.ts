// Adversarial review of the edge session checker and the shared core. The
// first block holds attacks that currently succeed (each test fails until the
// hole is closed); the second holds attacks that were tried and correctly fail.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChecker } from '../../../runtime/checker/checker.js';
import type { CheckerConfig, TableConfig } from '../../../runtime/core/config.js';
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
  LOGIN_PATH,
  storeSession,
  viewerRequest,
  type RequestParts,
} from '../../fixtures/checker/events.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';

const NOW_SECONDS = Math.floor(Date.now() / 1000);
const ADMIN_RULES = { pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }] };

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An HTTP server on 127.0.0.1 standing in for DynamoDB, closed with all its connections. */
async function fakeDynamo(handler: Handler): Promise<{ table: TableConfig; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    table: { name: 'cogcf-sessions', region: 'us-east-1', endpoint },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a request on to dynalite and its answer back. */
async function relay(db: SessionDb, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const upstream = await fetch(db.endpoint, {
    method: 'POST',
    headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': String(req.headers['x-amz-target']), authorization: String(req.headers.authorization), 'x-amz-date': String(req.headers['x-amz-date']) },
    body,
  });
  const text = await upstream.text();
  res.writeHead(upstream.status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Dynalite with a signing client and the session table over it. */
async function openStore(): Promise<{ db: SessionDb; client: DynamoClient; table: SessionTable }> {
  const db = await startSessionDb();
  const client = createDynamoClient(db.table, { env: TEST_ENV });
  return { db, client, table: new SessionTable(client, db.table.name) };
}

describe('review attacks on the session checker', () => {
  let db: SessionDb;
  let client: DynamoClient;
  let table: SessionTable;
  beforeAll(async () => void ({ db, client, table } = await openStore()));
  afterAll(() => db.close());
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    return () => vi.restoreAllMocks();
  });

  function setup(overrides: Partial<CheckerConfig> = {}) {
    const counting = countingClient(client);
    const check = createChecker(checkerConfig(db.table, overrides), { db: counting });
    return { reads: () => counting.calls, run: (parts: RequestParts) => check(viewerRequest(parts)) };
  }

  describe('holes found in review, now closed', () => {
    it('group rule bypass by letter case (/ADMIN/ on a case-insensitive origin such as Express, IIS, ASP.NET)', async () => {
      const user = await storeSession(table, NOW_SECONDS, { groups: ['users'] });
      const { run } = setup(ADMIN_RULES);
      for (const uri of ['/ADMIN/users', '/Admin/users', '/%41dmin/users']) {
        expect(answered(await run({ uri, cookies: [`${COOKIE}=${user.id}`] })).status).toBe('403');
      }
    });

    it('group rule bypass by dropping the trailing slash of the prefix (/admin reaches the /admin/ index on Express, Spring)', async () => {
      const user = await storeSession(table, NOW_SECONDS, { groups: ['users'] });
      const { run } = setup(ADMIN_RULES);
      for (const uri of ['/admin', '/admin;x', '/admin%2f..%2fadmin']) {
        expect(answered(await run({ uri, cookies: [`${COOKIE}=${user.id}`] })).status).toBe('403');
      }
    });

    it('spoofed identity headers spelled with underscores (x_barrier_groups → HTTP_X_BARRIER_GROUPS in CGI/WSGI stacks)', async () => {
      const user = await storeSession(table, NOW_SECONDS, { groups: [] });
      const spoofed = { x_barrier_groups: 'admins', 'x-barrier_user-sub': 'root', 'x_barrier-user_email': 'boss@example.com' };
      const { run } = setup();
      for (const request of [
        forwarded(await run({ cookies: [`${COOKIE}=${user.id}`], headers: spoofed })),
        forwarded(await run({ uri: '/assets/app.js', headers: spoofed })),
      ]) {
        const names = Object.keys(request.headers).filter((n) => n.replace(/_/g, '-').toLowerCase().startsWith('x-barrier-'));
        expect(names.filter((n) => n.includes('_'))).toEqual([]);
      }
    });

    it('anonymous request to a public path carrying X-Original-URL / X-Rewrite-URL (path override honoured by IIS-hosted and older Symfony/Zend origins)', async () => {
      const { run } = setup(ADMIN_RULES);
      const request = forwarded(await run({ uri: '/assets/app.js', headers: { 'x-original-url': '/admin/users', 'x-rewrite-url': '/admin/users' } }));
      expect(request.headers['x-original-url']).toBeUndefined();
      expect(request.headers['x-rewrite-url']).toBeUndefined();
    });

    it('double-encoded dot segments out of a public path (/assets/%252e%252e/admin) for origins that decode twice', async () => {
      const { run } = setup({ publicPaths: ['/assets/*'] });
      for (const uri of ['/assets/%252e%252e/admin/x', '/assets/..%252fadmin/x']) {
        expect(answered(await run({ uri })).status).toBe('302');
      }
    });

    it('a long deep link (6 KB URL) yields a login URL longer than CloudFront accepts (8,192 bytes), so sign-in breaks', async () => {
      const { run } = setup();
      const querystring = Array.from({ length: 400 }, (_, i) => `f${i}=a%2Cb`).join('&'); // ~4.8 KB, all legal
      const uri = '/reports/' + 'x/'.repeat(500);
      expect(uri.length + 1 + querystring.length).toBeLessThan(8192);
      const location = headerValue(answered(await run({ uri, querystring })).headers, 'location')!;
      expect(location.startsWith(LOGIN_PATH)).toBe(true);
      expect(Buffer.byteLength(location)).toBeLessThanOrEqual(8192);
    });

    it('a pooled keep-alive connection the server closed (e.g. while the container was frozen) costs a signed-in viewer a 503', async () => {
      const uses = new WeakMap<Socket, number>();
      const proxy = await fakeDynamo((req, res, body) => {
        const n = (uses.get(req.socket) ?? 0) + 1;
        uses.set(req.socket, n);
        // The second request on a connection finds it already gone.
        if (n > 1) req.socket.destroy();
        else void relay(db, req, res, body);
      });
      try {
        const [a, b] = await Promise.all([storeSession(table, NOW_SECONDS), storeSession(table, NOW_SECONDS)]);
        const check = createChecker(checkerConfig(proxy.table), { db: createDynamoClient(proxy.table, { env: TEST_ENV }) });
        expect(headerValue(forwarded(await check(viewerRequest({ cookies: [`${COOKIE}=${a!.id}`] }))).headers, 'x-barrier-session')).toBe(a!.row.handle);
        // The idempotent GetItem is retried once on a fresh connection within the budget.
        expect(headerValue(forwarded(await check(viewerRequest({ cookies: [`${COOKIE}=${b!.id}`] }))).headers, 'x-barrier-session')).toBe(b!.row.handle);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('attacks that correctly fail', () => {
    it('path tricks into a group-gated prefix, escaping a lenient nested rule', async () => {
      const user = await storeSession(table, NOW_SECONDS, { groups: ['users'] });
      const { run } = setup({ pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }, { prefix: '/admin/help/', allowedGroups: [] }] });
      for (const uri of ['/admin/help/..;/users', '/admin/help/%2e%2e/users', '/admin/help/.%2E/users', '/admin/help/..%5cusers', '/admin/help%2f..%2fusers', '/admin/./users', '/docs/%2e%2e/%2e%2e/admin/users']) {
        expect(answered(await run({ uri, cookies: [`${COOKIE}=${user.id}`] })).status).toBe('403');
      }
    });

    it('public-path escapes: encoded slash, backslash, matrix params, NUL, overlong UTF-8, case', async () => {
      const { run, reads } = setup({ publicPaths: ['/assets/*'] });
      for (const uri of ['/assets/%2e%2e%2fadmin', '/assets/.%2e/admin', '/assets/%5c..%5cadmin', '/assets/x/..;/../admin', '/assets;/../admin', '/ASSETS/app.js', '/assets/%c0%ae%c0%ae/admin', '/x/assets/app.js', '//assets/../admin']) {
        expect(answered(await run({ uri })).status).toBe('302');
      }
      expect(reads()).toBe(0);
    });

    it('method and query tricks: OPTIONS/HEAD/POST without a session, our cookie in the query string', async () => {
      const { id } = await storeSession(table, NOW_SECONDS);
      const check = createChecker(checkerConfig(db.table), { db: client });
      for (const method of ['OPTIONS', 'HEAD', 'POST', 'PROPFIND']) {
        const event = viewerRequest();
        Object.assign(event.Records[0]!.cf.request, { method });
        expect(answered(await check(event)).status).toBe('302');
      }
      expect(answered(await check(viewerRequest({ querystring: `${COOKIE}=${id}` }))).status).toBe('302');
    });

    it('cookie tricks: case variant name, login cookie name, value inside a neighbour, comma separator, other header', async () => {
      const { id } = await storeSession(table, NOW_SECONDS);
      const { run, reads } = setup();
      for (const cookies of [
        [`__host-cogcf-session=${id}`],
        [`${COOKIE}-login=${id}`],
        [`a=${COOKIE}=${id}`],
        [`a=1, ${COOKIE}=${id}`],
        [`x${COOKIE}=${id}`],
        [`${COOKIE} =${id}`],
      ]) {
        expect(answered(await run({ cookies })).status).toBe('302');
      }
      expect(answered(await run({ headers: { cookie2: `${COOKIE}=${id}`, 'x-cookie': `${COOKIE}=${id}` } })).status).toBe('302');
      expect(reads()).toBe(0);
    });

    it('header injection through identity values already percent-encoded, NUL, DEL and lone surrogates', async () => {
      const { id } = await storeSession(table, NOW_SECONDS, {
        sub: 'a%0d%0ax-barrier-groups: admins',
        email: 'e\u0000\u007f\ud800@example.com',
        groups: ['g%2Cadmins', '\r\nadmins'],
      });
      const request = forwarded(await setup().run({ cookies: [`${COOKIE}=${id}`] }));
      for (const name of ['x-barrier-user-sub', 'x-barrier-user-email', 'x-barrier-groups']) {
        expect(headerValue(request.headers, name)).not.toMatch(/[\0-\x1f\x7f-\uffff]/);
      }
      expect(decodeURIComponent(headerValue(request.headers, 'x-barrier-user-sub')!)).toBe('a%0d%0ax-barrier-groups: admins');
      expect(headerValue(request.headers, 'x-barrier-groups')!.split(',').map(decodeURIComponent)).toEqual(['g%2Cadmins', '\r\nadmins']);
    });

    it('spoofed identity headers under upper-case map names and keys', async () => {
      const event = viewerRequest({ uri: '/assets/app.js' });
      const headers = event.Records[0]!.cf.request.headers;
      headers['X-BARRIER-GROUPS'] = [{ key: 'X-BARRIER-GROUPS', value: 'admins' }];
      headers['x-barrier-user-sub'] = [{ key: 'X-Barrier-User-Sub', value: 'root' }, { key: 'x-barrier-user-sub', value: 'root2' }];
      const check = createChecker(checkerConfig(db.table), { db: client });
      const request = forwarded(await check(event));
      expect(Object.keys(request.headers).filter((n) => n.toLowerCase().startsWith('x-barrier'))).toEqual([]);
    });

    it('concurrent lookups of different ids never share a verdict (in-flight coalescing is per id)', async () => {
      const [a, b] = await Promise.all([storeSession(table, NOW_SECONDS), storeSession(table, NOW_SECONDS)]);
      const unknown = newId();
      const { run } = setup();
      const results = await Promise.all([a!.id, unknown, b!.id, unknown, a!.id].map((id) => run({ cookies: [`${COOKIE}=${id}`] })));
      expect(headerValue(forwarded(results[0]!).headers, 'x-barrier-session')).toBe(a!.row.handle);
      expect(answered(results[1]!).status).toBe('302');
      expect(headerValue(forwarded(results[2]!).headers, 'x-barrier-session')).toBe(b!.row.handle);
      expect(answered(results[3]!).status).toBe('302');
      expect(headerValue(forwarded(results[4]!).headers, 'x-barrier-session')).toBe(a!.row.handle);
    });

    it('a flood of unknown ids does not evict a cached session (negative cache is separate and bounded)', async () => {
      const { id } = await storeSession(table, NOW_SECONDS);
      const { run, reads } = setup({ cacheMaxEntries: 3 });
      forwarded(await run({ cookies: [`${COOKIE}=${id}`] }));
      for (let i = 0; i < 20; i++) answered(await run({ cookies: [`${COOKIE}=${newId()}`] }));
      forwarded(await run({ cookies: [`${COOKIE}=${id}`] }));
      expect(reads()).toBe(21);
    });

    it('the handle the origin sees, replayed as a cookie, is not a session', async () => {
      const { row } = await storeSession(table, NOW_SECONDS);
      expect(answered(await setup().run({ cookies: [`${COOKIE}=${row.handle}`] })).status).toBe('302');
    });

    it('a live login id sent as the session cookie and as the login cookie is not a session', async () => {
      const loginId = newId();
      await table.putLogin({ handle: handleOf(loginId), state: 's', verifier: 'v', nonce: 'n', returnPath: '/', expiresAt: NOW_SECONDS + 600 });
      const response = answered(await setup().run({ cookies: [`${COOKIE}=${loginId}`, `${COOKIE}-login=${loginId}`] }));
      expect(response.status).toBe('302');
    });

    it('the 403 page stays far below 40 KB for the longest e-mail address Cognito accepts, all markup', async () => {
      const user = await storeSession(table, NOW_SECONDS, { email: '<'.repeat(2048), groups: [] });
      const response = answered(await setup({ allowedGroups: ['admins'] }).run({ cookies: [`${COOKIE}=${user.id}`] }));
      expect(response.status).toBe('403');
      expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(40 * 1024);
      expect(response.body).not.toContain('<<');
    });

    describe('a misbehaving session store never lets a request pass', () => {
      // 503 for everything that is not a well-formed DynamoDB answer; an HTTP 200 whose
      // body holds no Item reads as "no such session" (302, cookie cleared).
      const cases: [string, Handler, '302' | '503'][] = [
        [
          'a body that trickles and never ends (the timeout covers the body)',
          (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
            res.write('{"Item":');
            const timer = setInterval(() => res.write(' '), 20);
            res.on('close', () => clearInterval(timer));
          },
          '503',
        ],
        [
          'a truncated body (connection closed mid-response)',
          (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '500' });
            res.write('{"Item":{"kind":{"S":"session"}');
            setTimeout(() => res.socket?.destroy(), 10);
          },
          '503',
        ],
        ['HTTP 200 with HTML', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>'), '503'],
        ['HTTP 200 with JSON null', (_req, res) => res.writeHead(200).end('null'), '503'],
        ['HTTP 200 with an error body', (_req, res) => res.writeHead(200).end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'x' })), '302'],
        ['HTTP 500 with HTML', (_req, res) => res.writeHead(500).end('<html>oops</html>'), '503'],
        ['a redirect', (_req, res) => res.writeHead(307, { location: 'http://127.0.0.1:1/' }).end(), '503'],
      ];
      for (const [name, handler, status] of cases) {
        it(name, async () => {
          const fake = await fakeDynamo(handler);
          try {
            const check = createChecker(checkerConfig(fake.table, { lookupTimeoutMs: 300 }), { db: createDynamoClient(fake.table, { env: TEST_ENV }) });
            const response = answered(await check(viewerRequest({ cookies: [`${COOKIE}=${newId()}`] })));
            expect(response.status).toBe(status);
          } finally {
            await fake.close();
          }
        });
      }

      const live = { pk: { S: 'h' }, sub: { S: 'root' }, email: { S: 'r@example.com' }, expiresAt: { N: String(NOW_SECONDS + 3600) } };
      const items: [string, Record<string, unknown>][] = [
        ['a login row', { ...live, kind: { S: 'login' } }],
        ['kind in another case', { ...live, kind: { S: 'Session' } }],
        ['kind missing', { ...live }],
        ['expiresAt as a string', { ...live, kind: { S: 'session' }, expiresAt: { S: String(NOW_SECONDS + 3600) } }],
        ['expiresAt not a number', { ...live, kind: { S: 'session' }, expiresAt: { N: 'soon' } }],
        ['expiresAt in the past', { ...live, kind: { S: 'session' }, expiresAt: { N: String(NOW_SECONDS - 1) } }],
        ['no sub', { ...live, kind: { S: 'session' }, sub: undefined }],
      ];
      for (const [name, item] of items) {
        it(`an item that is not a live session: ${name}`, async () => {
          const fake = await fakeDynamo((_req, res) => res.writeHead(200).end(JSON.stringify({ Item: item })));
          try {
            const check = createChecker(checkerConfig(fake.table), { db: createDynamoClient(fake.table, { env: TEST_ENV }) });
            expect(answered(await check(viewerRequest({ cookies: [`${COOKIE}=${newId()}`] }))).status).toBe('302');
          } finally {
            await fake.close();
          }
        });
      }

      it('missing credentials: 503, never a pass', async () => {
        const check = createChecker(checkerConfig(db.table), { db: createDynamoClient(db.table, { env: {} }) });
        const { id } = await storeSession(table, NOW_SECONDS);
        expect(answered(await check(viewerRequest({ cookies: [`${COOKIE}=${id}`] }))).status).toBe('503');
      });
    });

    it('SigV4 with a Lambda session token: the token is sent and signed', async () => {
      let seen: IncomingMessage['headers'] = {};
      const fake = await fakeDynamo((req, res, body) => {
        seen = req.headers;
        void relay(db, req, res, body);
      });
      try {
        const { id, row } = await storeSession(table, NOW_SECONDS);
        const env = { ...TEST_ENV, AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2Vj//+token==' };
        const check = createChecker(checkerConfig(fake.table), { db: createDynamoClient(fake.table, { env }) });
        expect(headerValue(forwarded(await check(viewerRequest({ cookies: [`${COOKIE}=${id}`] }))).headers, 'x-barrier-session')).toBe(row.handle);
        expect(seen['x-amz-security-token']).toBe(env.AWS_SESSION_TOKEN);
        expect(String(seen.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
        expect(String(seen.authorization)).toMatch(/SignedHeaders=[^,]*host/);
      } finally {
        await fake.close();
      }
    });
  });
});
