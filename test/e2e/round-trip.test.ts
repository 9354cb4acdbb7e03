// The whole barrier through the BUILT bundles, exactly as they would ship:
// `cogcf bundle` (the built CLI) bakes a config pointing at dynalite and the
// local Cognito stand-in, then a viewer goes anonymous request → login →
// hosted UI → callback → origin with identity headers → sign out → login
// again, with the checker and manager handlers loaded from the output folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../cli/run-bin.js';
import { answered, forwarded, headerValue, viewerRequest } from '../fixtures/checker/events.js';
import { headerOf, httpEvent, setCookieFor } from '../runtime/manager/harness.js';
import { CookieJar, LOCAL_USER_POOL_ID, startCognitoIdp, type CognitoIdp } from '../support/cognito-idp.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../support/session-db.js';

const COOKIE = '__Host-cogcf-session';
const SITE = 'https://app.example.com';
const ALICE = { email: 'alice@example.com', password: 'correct horse', groups: ['staff'] };

type CheckerHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
type ManagerHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

describe('round trip through the built bundles', () => {
  let db: SessionDb;
  let idp: CognitoIdp;
  let out: string;
  let checker: CheckerHandler;
  let manager: ManagerHandler;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    db = await startSessionDb();
    idp = await startCognitoIdp({
      users: [ALICE],
      clientId: 'roundtripclient',
      redirectUris: [`${SITE}/_identity/auth`],
      logoutUris: [`${SITE}/`],
    });
    out = mkdtempSync(join(tmpdir(), 'cogcf-round-trip-'));
    const configPath = join(out, 'barrier.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        domains: ['app.example.com'],
        cognito: { userPoolId: LOCAL_USER_POOL_ID, clientId: idp.clientId, domain: idp.url, jwksUri: idp.jwksUri },
        sessionTable: { name: db.table.name, region: db.table.region, endpoint: db.endpoint },
        // No positive cache: sign-out must show on the very next request here
        // (the cache TTL itself is covered by the checker's own tests).
        checker: { cacheTtlSeconds: 0, publicPaths: ['/assets/*'] },
      }),
    );
    const bundled = runBin('cogcf', ['bundle', '--config', configPath, '--out', join(out, 'build'), '--json']);
    expect(bundled.status, bundled.transcript).toBe(0);
    // Lambda gives both functions their role's credentials in the environment.
    Object.assign(process.env, TEST_ENV);
    const load = createRequire(import.meta.url);
    checker = (load(join(out, 'build', 'checker', 'index.js')) as { handler: CheckerHandler }).handler;
    manager = (load(join(out, 'build', 'manager', 'index.js')) as { handler: ManagerHandler }).handler;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await idp?.close();
    await db?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** The site's cookies in the browser, as the manager's responses set them. */
  const site = new CookieJar();
  const callManager = async (method: string, pathAndQuery: string, headers: Record<string, string> = {}) => {
    const result = await manager(httpEvent(method, pathAndQuery, { cookies: site.pairs(), headers }));
    site.store(result.cookies ?? []);
    return result;
  };

  it('signs a viewer in, lets the origin see who it is, and signs it out again', async () => {
    // 1. Anonymous: the checker sends the viewer to the login route with its deep link.
    const anonymous = answered(await checker(viewerRequest({ uri: '/reports/q2', querystring: 'tab=summary&range=7d' })));
    expect(anonymous.status).toBe('302');
    const loginLocation = headerValue(anonymous.headers, 'location')!;
    expect(loginLocation).toBe(`/_identity/login?path=${encodeURIComponent('/reports/q2?tab=summary&range=7d')}`);

    // 2. The manager starts an authorization-code + PKCE sign-in at the hosted UI.
    const login = await callManager('GET', loginLocation);
    expect(login.statusCode).toBe(302);
    const authorize = new URL(headerOf(login, 'location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${idp.url}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${SITE}/_identity/auth`);
    expect(site.get(`${COOKIE}-login`)).toBeTruthy();

    // 3. The user signs in at the provider, which sends the browser back with a code.
    const callbackUrl = await idp.signIn(authorize, { username: ALICE.email, password: ALICE.password });
    const callback = await callManager('GET', `/_identity/auth${callbackUrl.search}`);
    expect(callback.statusCode).toBe(302);
    expect(headerOf(callback, 'location')).toBe(`${SITE}/reports/q2?tab=summary&range=7d`);
    const sessionCookie = setCookieFor(callback, COOKIE)!;
    expect(sessionCookie).toMatch(/; Path=\/; Max-Age=43200; Secure; HttpOnly; SameSite=Lax$/);
    const sessionId = site.get(COOKIE)!;

    // 4. The checker passes the deep link to the origin with the identity headers,
    //    without our cookie and without what the client claimed about itself.
    const passed = forwarded(
      await checker(
        viewerRequest({
          uri: '/reports/q2',
          querystring: 'tab=summary&range=7d',
          cookies: [`theme=dark; ${COOKIE}=${sessionId}`],
          headers: { 'x-barrier-user-email': 'mallory@example.com', 'x-barrier-groups': 'admins' },
        }),
      ),
    );
    expect(headerValue(passed.headers, 'x-barrier-user-email')).toBe(ALICE.email);
    expect(headerValue(passed.headers, 'x-barrier-groups')).toBe('staff');
    expect(headerValue(passed.headers, 'x-barrier-user-sub')).toBe(idp.users[0]!.sub);
    expect(passed.headers['cookie']).toEqual([{ key: 'Cookie', value: 'theme=dark' }]);
    const handle = headerValue(passed.headers, 'x-barrier-session')!;
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(handle).not.toBe(sessionId);

    // 5. A single-page app can ask who is signed in.
    const info = await callManager('GET', '/_identity/session');
    expect(info.statusCode).toBe(200);
    expect(JSON.parse(info.body!)).toMatchObject({ handle, sub: idp.users[0]!.sub, email: ALICE.email, groups: ['staff'] });

    // 6. The callback cannot be replayed.
    const replay = await manager(httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${COOKIE}-login=${sessionId}`] }));
    expect(replay.statusCode).toBe(400);
    expect(setCookieFor(replay, COOKIE)).toBeUndefined();

    // 7. Sign out: GET only asks, POST ends the session here and at Cognito.
    const confirm = await callManager('GET', '/_identity/logout');
    expect(confirm.statusCode).toBe(200);
    expect(site.get(COOKIE)).toBe(sessionId);
    const logout = await callManager('POST', '/_identity/logout', { origin: SITE, 'sec-fetch-site': 'same-origin' });
    expect(logout.statusCode).toBe(302);
    const cognitoLogout = new URL(headerOf(logout, 'location')!);
    expect(cognitoLogout.origin + cognitoLogout.pathname).toBe(`${idp.url}/logout`);
    expect(cognitoLogout.searchParams.get('client_id')).toBe(idp.clientId);
    expect(cognitoLogout.searchParams.get('logout_uri')).toBe(`${SITE}/`);
    expect(site.get(COOKIE)).toBeUndefined();

    // 8. The old cookie no longer opens anything: back to the login page.
    const after = answered(await checker(viewerRequest({ uri: '/reports/q2', cookies: [`${COOKIE}=${sessionId}`] })));
    expect(after.status).toBe('302');
    expect(headerValue(after.headers, 'location')).toBe(`/_identity/login?path=${encodeURIComponent('/reports/q2')}`);
    expect((await callManager('GET', '/_identity/session')).statusCode).toBe(401);
  });

  it('refuses a live login id presented as the session cookie (the 2019 bypass)', async () => {
    const login = await manager(httpEvent('GET', '/_identity/login?path=%2Fsecret'));
    const loginId = new CookieJar();
    loginId.store(login.cookies ?? []);
    const id = loginId.get(`${COOKIE}-login`)!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const result = answered(await checker(viewerRequest({ uri: '/secret', cookies: [`${COOKIE}=${id}`] })));
    expect(result.status).toBe('302');
    expect(headerValue(result.headers, 'set-cookie')).toMatch(new RegExp(`^${COOKIE}=; Path=/; Max-Age=0`));
  });

  it('serves public paths without a session, and lands an off-site return path on the site root', async () => {
    expect(forwarded(await checker(viewerRequest({ uri: '/assets/app.js' }))).uri).toBe('/assets/app.js');
    const jar = new CookieJar();
    const login = await manager(httpEvent('GET', `/_identity/login?path=${encodeURIComponent('/\\evil.example/x')}`));
    jar.store(login.cookies ?? []);
    const callbackUrl = await idp.signIn(headerOf(login, 'location')!, { username: ALICE.email, password: ALICE.password });
    const callback = await manager(httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: jar.pairs() }));
    expect(callback.statusCode).toBe(302);
    expect(headerOf(callback, 'location')).toBe(`${SITE}/`);
  });

  it('takes the app client id from COGCF_COGNITO_CLIENT_ID when the deploy stack sets it', async () => {
    const path = join(out, 'build', 'manager', 'index.js');
    const load = createRequire(import.meta.url);
    delete load.cache[load.resolve(path)];
    process.env.COGCF_COGNITO_CLIENT_ID = 'stackmadeclient';
    try {
      const fromStack = (load(path) as { handler: ManagerHandler }).handler;
      const login = await fromStack(httpEvent('GET', '/_identity/login?path=%2F'));
      expect(new URL(headerOf(login, 'location')!).searchParams.get('client_id')).toBe('stackmadeclient');
    } finally {
      delete process.env.COGCF_COGNITO_CLIENT_ID;
      delete load.cache[load.resolve(path)];
    }
    const baked = await manager(httpEvent('GET', '/_identity/login?path=%2F'));
    expect(new URL(headerOf(baked, 'location')!).searchParams.get('client_id')).toBe(idp.clientId);
  });
});
