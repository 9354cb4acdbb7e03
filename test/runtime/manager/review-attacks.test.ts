// Adversarial review of the session manager (issue 2). The first block holds
// holes found in review: each test states what the manager should do and
// failed until the hole was closed; the second, hardening done with the
// fixes. The rest are attacks that were tried and must keep failing.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoError, type DynamoClient } from '../../../runtime/core/dynamo.js';
import { handleOf } from '../../../runtime/core/session-ids.js';
import {
  APP,
  COOKIE,
  headerOf,
  httpEvent,
  LOGIN_COOKIE,
  setCookieFor,
  signInThrough,
  SiteBrowser,
  startWorld,
  WWW,
  type Result,
  type World,
} from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const ALICE_LOGIN = { username: 'alice@example.com', password: 'correct horse' };
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sessionCount = async (): Promise<number> => (await world.rows('session')).length;

/** A login started in `browser`, signed in at the provider, stopped before the callback. */
async function startedSignIn(browser: SiteBrowser, path = '/start') {
  const login = await browser.request('GET', `/_identity/login?path=${encodeURIComponent(path)}`);
  const callbackUrl = await world.idp.signIn(headerOf(login, 'location')!, ALICE_LOGIN);
  return { login, callbackUrl, loginId: browser.jar.get(LOGIN_COOKIE)! };
}

/** A DynamoClient that passes through, but records operations and may fail some. */
function spyDb(fail?: (operation: string, input: Record<string, unknown>) => boolean): { db: DynamoClient; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    db: {
      call(operation, input, options) {
        calls.push(operation);
        if (fail?.(operation, input as Record<string, unknown>)) return Promise.reject(new DynamoError('Timeout', `${operation} timed out`));
        return world.dynamo.call(operation, input, options);
      },
    },
  };
}

/** Every response the manager gives must keep the no-store promise. */
function expectNoStore(result: Result): void {
  expect(typeof result.statusCode).toBe('number');
  expect(headerOf(result, 'cache-control')).toBe('no-store');
}

describe('holes found in review', () => {
  it('unverified e-mail: an ID token with email_verified=false does not put that address into the session', async () => {
    // A self-registered or federated user may carry someone else's address,
    // unverified; the origin receives the session e-mail as x-barrier-user-email.
    for (const emailVerified of [false, 'false']) {
      const forge = (c: JWTPayload) => world.idp.signIdToken({ ...c, email: 'ceo@example.com', email_verified: emailVerified });
      const browser = new SiteBrowser(world.manager({ fetch: world.idp.replaceIdTokens(forge) }));
      const { callback } = await signInThrough(browser, world.idp, '/');
      expect(callback.statusCode).toBe(302);
      const info = JSON.parse((await browser.request('GET', '/_identity/session')).body!) as { email: string };
      expect(info.email).not.toBe('ceo@example.com');
    }
  });

  it('content spoofing: a crafted /auth link without a sign-in in progress does not show attacker-chosen text on the site', async () => {
    const lure = 'Your account is locked. Call +1 555 0100 to unlock it.';
    const result = await world.manager()(
      httpEvent('GET', `/_identity/auth?error=access_denied&error_description=${encodeURIComponent(lure)}`),
    );
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.body).not.toContain('Call +1 555 0100');
  });

  it('two sign-ins in parallel (two tabs, or SPA fetches redirected to login): the first one still completes', async () => {
    const browser = new SiteBrowser(world.manager());
    const first = await browser.request('GET', '/_identity/login?path=%2Ftab-one');
    const second = await browser.request('GET', '/_identity/login?path=%2Ftab-two');
    const firstCallback = await world.idp.signIn(headerOf(first, 'location')!, ALICE_LOGIN);
    const secondCallback = await world.idp.signIn(headerOf(second, 'location')!, ALICE_LOGIN);
    const one = await browser.request('GET', `/_identity/auth${firstCallback.search}`);
    expect(one.statusCode).toBe(302);
    expect(headerOf(one, 'location')).toBe(`${APP}/tab-one`);
    const two = await browser.request('GET', `/_identity/auth${secondCallback.search}`);
    expect(two.statusCode).toBe(302);
    expect(headerOf(two, 'location')).toBe(`${APP}/tab-two`);
  });

  it('a payload-1.0 event (integration misconfigured) gets a no-store error page instead of a thrown error', async () => {
    const v1 = {
      version: '1.0',
      httpMethod: 'GET',
      path: '/_identity/session',
      headers: { host: 'app.example.com' },
      queryStringParameters: null,
      requestContext: { httpMethod: 'GET', path: '/_identity/session' },
      body: null,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const result = await world.manager()(v1).catch((e: unknown) => ({ thrown: e }));
    expect(result).not.toHaveProperty('thrown');
    expectNoStore(result as Result);
  });
});

describe('hardening after review', () => {
  it('a callback with neither code nor error is stale (400) and costs no table call, even with a live login', async () => {
    const browser = new SiteBrowser(world.manager());
    const login = await browser.request('GET', '/_identity/login?path=%2Fkept');
    const state = new URL(headerOf(login, 'location')!).searchParams.get('state')!;
    const { db, calls } = spyDb();
    const spied = new SiteBrowser(world.manager({ db }));
    spied.jar.store(login.cookies ?? []);
    for (const query of [`?state=${state}`, `?state=${state}&iss=${encodeURIComponent(world.idp.issuer)}`, '']) {
      const result = await spied.request('GET', `/_identity/auth${query}`);
      expect(result.statusCode).toBe(400);
      expectNoStore(result);
      expect(result.body).toContain('Sign-in expired');
    }
    expect(calls).toEqual([]);
    // The login row is untouched: the real callback still completes.
    const callbackUrl = await world.idp.signIn(headerOf(login, 'location')!, ALICE_LOGIN);
    expect(headerOf(await browser.request('GET', `/_identity/auth${callbackUrl.search}`), 'location')).toBe(`${APP}/kept`);
  });

  it('an event of any shape gets a no-store page, never a throw', async () => {
    const manager = world.manager();
    const shapes: unknown[] = [
      {},
      { rawPath: '/_identity/session' },
      { rawPath: '/_identity/session', requestContext: {} },
      { rawPath: 42, requestContext: { http: { method: 'GET' } } },
      { rawPath: '/_identity/session', requestContext: { http: { method: 7 } } },
    ];
    for (const shape of shapes) {
      const result = await manager(shape as APIGatewayProxyEventV2).catch((e: unknown) => ({ thrown: e }));
      expect(result).not.toHaveProperty('thrown');
      expectNoStore(result as Result);
      expect((result as Result).statusCode).toBe(500);
    }
  });
});

describe('ID-token tricks that must fail (the real code is redeemed, the ID token is replaced)', () => {
  async function attackerKey() {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'attacker-key', alg: 'RS256', use: 'sig' } };
  }

  /** Runs a whole sign-in with `forge` in place of the ID token; returns the callback and every URL fetched. */
  async function signInWithForgery(forge: (claims: JWTPayload) => Promise<string>) {
    const fetched: string[] = [];
    const recording: typeof fetch = (input, init) => {
      fetched.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const before = await sessionCount();
    const browser = new SiteBrowser(world.manager({ fetch: world.idp.replaceIdTokens(forge, recording) }));
    const { callback } = await signInThrough(browser, world.idp, '/');
    return { callback, fetched, created: (await sessionCount()) - before, browser };
  }

  const refused = (run: Awaited<ReturnType<typeof signInWithForgery>>): void => {
    expect(run.callback.statusCode).toBe(502);
    expect(headerOf(run.callback, 'location')).toBeUndefined();
    expect(setCookieFor(run.callback, COOKIE)).toBeUndefined();
    expect(run.created).toBe(0);
  };

  it('alg confusion: HS256 keyed with the pool’s public key', async () => {
    const jwks = (await (await fetch(world.idp.jwksUri)).json()) as { keys: object[] };
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    refused(await signInWithForgery((c) => new SignJWT(c).setProtectedHeader({ alg: 'HS256', kid: 'local-pool-key' }).sign(secret)));
  });

  it('kid trick: attacker key embedded as `jwk` and offered by `jku`, under an unknown kid (no fetch of the jku)', async () => {
    const attacker = await attackerKey();
    const jku = 'http://127.0.0.1:9/attacker-jwks.json';
    const run = await signInWithForgery((c) =>
      new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: attacker.jwk.kid, jwk: attacker.jwk, jku }).sign(attacker.privateKey),
    );
    refused(run);
    expect(run.fetched).not.toContain(jku);
    expect(run.fetched.every((u) => u.startsWith(world.idp.url))).toBe(true);
  });

  it('kid trick: no kid at all, signed by an attacker key', async () => {
    const attacker = await attackerKey();
    refused(await signInWithForgery((c) => new SignJWT(c).setProtectedHeader({ alg: 'RS256' }).sign(attacker.privateKey)));
  });

  it.each<[string, (c: JWTPayload) => JWTPayload]>([
    ['an aud array with a second audience and no azp', (c) => ({ ...c, aud: [String(c.aud), 'someone-elses-client'] })],
    ['an aud array whose azp names another client', (c) => ({ ...c, aud: [String(c.aud), 'other'], azp: 'other' })],
    ['an issuer with a trailing slash', (c) => ({ ...c, iss: `${c.iss}/` })],
    ['nbf an hour ahead', (c) => ({ ...c, nbf: nowSeconds() + 3600 })],
    ['iat a minute ahead', (c) => ({ ...c, iat: nowSeconds() + 60, exp: nowSeconds() + 3660 })],
    ['exp a minute ago (beyond any tolerance)', (c) => ({ ...c, exp: nowSeconds() - 60 })],
    ['token_use "ID" (case)', (c) => ({ ...c, token_use: 'ID' })],
    ['a numeric sub', (c) => ({ ...c, sub: 12345 as unknown as string })],
    ['no sub', ({ sub: _dropped, ...c }) => c],
    ['nonce as an array holding the right value', (c) => ({ ...c, nonce: [c.nonce] as unknown as string })],
  ])('pool-signed claims with %s', async (_name, change) => {
    refused(await signInWithForgery((c) => world.idp.signIdToken(change(c))));
  });
});

describe('login and session rows stay apart', () => {
  it('a session id presented as the login cookie is not consumed as a login, and the session survives', async () => {
    const browser = new SiteBrowser(world.manager());
    await signInThrough(browser, world.idp, '/');
    const sessionId = browser.jar.get(COOKIE)!;
    const { callbackUrl } = await startedSignIn(browser);
    const result = await world.manager()(
      httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${LOGIN_COOKIE}=${sessionId}`] }),
    );
    expect(result.statusCode).toBe(400);
    expect(await world.table.readSession(handleOf(sessionId), nowSeconds())).toBeDefined();
  });

  it('a login id sent as the session cookie to logout does not delete the login row; that sign-in still completes', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl, loginId } = await startedSignIn(browser, '/after');
    const out = await world.manager()(httpEvent('POST', '/_identity/logout', { cookies: [`${COOKIE}=${loginId}`] }));
    expect(out.statusCode).toBe(302);
    const callback = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(headerOf(callback, 'location')).toBe(`${APP}/after`);
  });

  it('two simultaneous callbacks for one login make exactly one session (atomic consume)', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl, loginId } = await startedSignIn(browser);
    const before = await sessionCount();
    const event = (): APIGatewayProxyEventV2 =>
      httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${LOGIN_COOKIE}=${loginId}`] });
    const results = await Promise.all([world.manager()(event()), world.manager()(event()), world.manager()(event())]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([302, 400, 400]);
    expect((await sessionCount()) - before).toBe(1);
  });
});

describe('storage failures fail closed', () => {
  it('the session cannot be stored after the login was consumed: 503, no cookie, no row, and the login is used up', async () => {
    const { db } = spyDb((op, input) => op === 'PutItem' && (input.Item as { kind: { S: string } }).kind.S === 'session');
    const browser = new SiteBrowser(world.manager({ db }));
    const before = await sessionCount();
    const { callbackUrl, callback } = await signInThrough(browser, world.idp, '/x');
    expect(callback.statusCode).toBe(503);
    expectNoStore(callback);
    expect(setCookieFor(callback, COOKIE)).toBeUndefined();
    // The login cookie is left to expire: another tab's sign-in may still need it.
    expect(setCookieFor(callback, LOGIN_COOKIE)).toBeUndefined();
    expect(await sessionCount()).toBe(before);
    expect((await browser.request('GET', `/_identity/auth${callbackUrl.search}`)).statusCode).toBe(400);
  });

  it('a thousand copies of a well-formed session cookie cost at most three table reads', async () => {
    const { db, calls } = spyDb();
    const ids = Array.from({ length: 1000 }, (_, i) => createHash('sha256').update(String(i)).digest('base64url'));
    const result = await world.manager({ db })(httpEvent('GET', '/_identity/session', { cookies: ids.map((id) => `${COOKIE}=${id}`) }));
    expect(result.statusCode).toBe(401);
    expect(calls.length).toBeLessThanOrEqual(3);
  });
});

describe('inputs that must not reach headers, pages or logs', () => {
  it('CR/LF in the return path never reaches Location or Set-Cookie', async () => {
    const browser = new SiteBrowser(world.manager());
    const path = '/ok?x=%0d%0aSet-Cookie:%20evil=1';
    const { callback } = await signInThrough(browser, world.idp, path);
    expect(headerOf(callback, 'location')).toBe(`${APP}/`);
    expect(callback.cookies!.every((c) => c.startsWith(`${COOKIE}=`) || c.startsWith(`${LOGIN_COOKIE}=`))).toBe(true);
  });

  it('markup in a return path is inert in the retry link of the outage page', async () => {
    const { db } = spyDb(() => true);
    const path = '/"><img src=x onerror=alert(1)>';
    const result = await world.manager({ db })(httpEvent('GET', `/_identity/login?path=${encodeURIComponent(path)}`));
    expect(result.statusCode).toBe(503);
    expect(result.body).not.toContain('<img');
    const href = /<a href="([^"]*)">Sign in again<\/a>/.exec(result.body!)?.[1];
    expect(href).toMatch(/^\/_identity\/login\?path=[^"<>]+$/);
  });

  it('a failed callback logs neither the code, the state, the login id nor the ID token', async () => {
    const forged: string[] = [];
    const forge = async (c: JWTPayload) => {
      const token = await world.idp.signIdToken({ ...c, aud: 'someone-else' });
      forged.push(token);
      return token;
    };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const browser = new SiteBrowser(world.manager({ fetch: world.idp.replaceIdTokens(forge) }));
      const { callbackUrl } = await startedSignIn(browser);
      const loginId = browser.jar.get(LOGIN_COOKIE)!;
      const callback = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
      expect(callback.statusCode).toBe(502);
      const logged = errors.mock.calls.flat().map(String).join('\n');
      expect(logged).toContain('sign-in failed');
      for (const secret of [callbackUrl.searchParams.get('code')!, callbackUrl.searchParams.get('state')!, loginId, ...forged]) {
        expect(logged).not.toContain(secret);
      }
      for (const body of [callback.body!]) {
        for (const secret of [callbackUrl.searchParams.get('code')!, ...forged]) expect(body).not.toContain(secret);
      }
    } finally {
      errors.mockRestore();
    }
  });

  it('an oversized state with a live login cookie is a stale attempt (400), not an outage', async () => {
    const browser = new SiteBrowser(world.manager());
    await browser.request('GET', '/_identity/login');
    const result = await browser.request('GET', `/_identity/auth?code=x&state=${'s'.repeat(8000)}`);
    expect(result.statusCode).toBe(400);
  });

  it('a 100 KB error_description and a 10 KB error code on a live login are cut down on the page', async () => {
    const browser = new SiteBrowser(world.manager());
    const login = await browser.request('GET', '/_identity/login');
    const state = new URL(headerOf(login, 'location')!).searchParams.get('state')!;
    const result = await browser.request('GET', `/_identity/auth?error=${'E'.repeat(10_000)}&error_description=${'A'.repeat(100_000)}&state=${state}`);
    expect(result.statusCode).toBe(502);
    expect(result.body).toContain('AAAA');
    expect(result.body).toContain('EEEE');
    expect(result.body!.length).toBeLessThan(2_000);
  });
});

describe('every response, every method', () => {
  const paths = ['/_identity/login', '/_identity/auth', '/_identity/logout', '/_identity/session', '/_identity/', '/_identity/LOGIN', '/'];
  const methods = ['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'get', 'constructor', '__proto__', 'toString', 'hasOwnProperty'];

  it('answers each with a no-store response and never throws', async () => {
    const manager = world.manager();
    for (const path of paths) {
      for (const method of methods) {
        const result = await manager(httpEvent(method, path, { headers: { origin: APP, 'sec-fetch-site': 'same-origin' } }));
        expectNoStore(result);
        if (!['GET', 'POST', 'get'].includes(method)) expect([404, 405]).toContain(result.statusCode);
      }
    }
  });

  it('a base64-encoded POST body to logout is ignored and sign-out still works', async () => {
    const browser = new SiteBrowser(world.manager());
    await signInThrough(browser, world.idp, '/');
    const sessionId = browser.jar.get(COOKIE)!;
    const event = httpEvent('POST', '/_identity/logout', { cookies: browser.jar.pairs(), headers: { origin: APP, 'sec-fetch-site': 'same-origin' } });
    const result = await world.manager()({ ...event, body: Buffer.from('\u0000\u00ff<script>').toString('base64'), isBase64Encoded: true });
    expect(result.statusCode).toBe(302);
    expect(await world.table.readSession(handleOf(sessionId), nowSeconds())).toBeUndefined();
  });

  it('reads the session from a plain Cookie header when the event has no cookies array', async () => {
    const browser = new SiteBrowser(world.manager());
    await signInThrough(browser, world.idp, '/');
    const header = `foo={"a":1}; ${COOKIE}=${browser.jar.get(COOKIE)!}; bar`;
    const result = await world.manager()(httpEvent('GET', '/_identity/session', { headers: { cookie: header } }));
    expect(result.statusCode).toBe(200);
  });
});

describe('origin choice and cookies', () => {
  it.each<[string, Record<string, string>]>([
    ['X-Forwarded-Host listing evil first', { 'x-forwarded-host': 'evil.example, app.example.com' }],
    ['X-Forwarded-Host with userinfo', { 'x-forwarded-host': 'evil.example@app.example.com' }],
    ['X-Forwarded-Host with a path', { 'x-forwarded-host': 'app.example.com/evil' }],
    ['Host with a trailing dot', { host: 'app.example.com.' }],
    ['Host naming the other origin with an explicit port', { host: 'www.example.com:443' }],
  ])('%s only ever selects a configured origin', async (_name, headers) => {
    const browser = new SiteBrowser(world.manager(), headers);
    const { login, callback } = await signInThrough(browser, world.idp, '/p');
    const redirectUri = new URL(headerOf(login, 'location')!).searchParams.get('redirect_uri')!;
    expect([`${APP}/_identity/auth`, `${WWW}/_identity/auth`]).toContain(redirectUri);
    expect([`${APP}/p`, `${WWW}/p`]).toContain(headerOf(callback, 'location'));
    const out = await browser.request('POST', '/_identity/logout');
    expect([`${APP}/`, `${WWW}/`]).toContain(new URL(headerOf(out, 'location')!).searchParams.get('logout_uri'));
  });

  it('every cookie set in a full sign-in and sign-out obeys the __Host- rules', async () => {
    const browser = new SiteBrowser(world.manager());
    const { login, callback } = await signInThrough(browser, world.idp, '/');
    const out = await browser.request('POST', '/_identity/logout', { origin: APP, 'sec-fetch-site': 'same-origin' });
    const lines = [login, callback, out].flatMap((r) => r.cookies ?? []);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      expect(line).toMatch(/^__Host-/);
      expect(line).toMatch(/; Path=\/;/);
      expect(line).toMatch(/; Secure;/);
      expect(line).toMatch(/; HttpOnly;/);
      expect(line).toMatch(/; SameSite=Lax$/);
      expect(line).not.toMatch(/domain=/i);
      expect(line).not.toMatch(/[\r\n]/);
    }
  });

  it('/session sends no CORS grant to another origin and never the session id itself', async () => {
    const browser = new SiteBrowser(world.manager());
    await signInThrough(browser, world.idp, '/');
    const result = await browser.request('GET', '/_identity/session', { origin: 'https://evil.example' });
    expect(result.statusCode).toBe(200);
    expectNoStore(result);
    expect(headerOf(result, 'x-content-type-options')).toBe('nosniff');
    expect(Object.keys(result.headers ?? {}).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(result.body).not.toContain(browser.jar.get(COOKIE)!);
  });
});
