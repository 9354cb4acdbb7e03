// Callbacks that must not produce a session: forged or replayed requests,
// forged ID tokens, provider errors carrying markup, and outages. Each must
// end on an escaped error page (never a redirect, so never a loop) without a
// session row or cookie.
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../../runtime/core/dynamo.js';
import { TEST_ENV } from '../../support/session-db.js';
import { APP, COOKIE, headerOf, httpEvent, LOGIN_COOKIE, setCookieFor, signInThrough, SiteBrowser, startWorld, type Result, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const sessionCount = async (): Promise<number> => (await world.rows('session')).length;

/** An error page: the given status, HTML, no redirect, no session cookie, a way to start over. */
function expectFailurePage(result: Result, status: number, retryHref = '/_identity/login'): void {
  expect(result.statusCode).toBe(status);
  expect(headerOf(result, 'location')).toBeUndefined();
  expect(headerOf(result, 'content-type')).toBe('text/html; charset=utf-8');
  expect(headerOf(result, 'cache-control')).toBe('no-store');
  expect(headerOf(result, 'content-security-policy')).toContain("default-src 'none'");
  expect(setCookieFor(result, COOKIE)).toBeUndefined();
  expect(result.body).toContain(`<a href="${retryHref.replaceAll('&', '&amp;')}">Sign in again</a>`);
}

/** Login and provider sign-in, stopping before the callback. */
async function startedSignIn(browser: SiteBrowser, path = '/start') {
  const login = await browser.request('GET', `/_identity/login?path=${encodeURIComponent(path)}`);
  const callbackUrl = await world.idp.signIn(headerOf(login, 'location')!, { username: 'alice@example.com', password: 'correct horse' });
  return { callbackUrl, loginId: browser.jar.get(LOGIN_COOKIE)! };
}

describe('forged and replayed callbacks', () => {
  it('refuses a callback whose state does not match the login, and keeps the real one usable', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl } = await startedSignIn(browser);
    const before = await sessionCount();
    const forged = new URLSearchParams(callbackUrl.search);
    forged.set('state', 'attacker-state-value-0123456789');
    const result = await browser.request('GET', `/_identity/auth?${forged}`);
    expectFailurePage(result, 400);
    expect(result.body).toContain('Sign-in expired');
    expect(await sessionCount()).toBe(before);
    // The genuine callback still completes: a forged one cannot cancel a sign-in.
    const genuine = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(genuine.statusCode).toBe(302);
    expect(headerOf(genuine, 'location')).toBe(`${APP}/start`);
  });

  it('refuses a callback whose iss names another issuer (a mix-up: a code from another provider)', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl } = await startedSignIn(browser);
    expect(callbackUrl.searchParams.get('iss')).toBe(world.idp.issuer);
    const before = await sessionCount();
    const mixedUp = new URLSearchParams(callbackUrl.search);
    mixedUp.set('iss', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other');
    const result = await browser.request('GET', `/_identity/auth?${mixedUp}`);
    expectFailurePage(result, 502, '/_identity/login?path=%2Fstart');
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a callback without the login cookie (login CSRF: an attacker’s code in a victim’s browser)', async () => {
    const { callbackUrl } = await startedSignIn(new SiteBrowser(world.manager()));
    const before = await sessionCount();
    const victim = new SiteBrowser(world.manager());
    const result = await victim.request('GET', `/_identity/auth${callbackUrl.search}`);
    expectFailurePage(result, 400);
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a login cookie that belongs to a different sign-in', async () => {
    const mine = new SiteBrowser(world.manager());
    const { callbackUrl } = await startedSignIn(mine);
    const other = new SiteBrowser(world.manager());
    await other.request('GET', '/_identity/login');
    const result = await other.request('GET', `/_identity/auth${callbackUrl.search}`);
    expectFailurePage(result, 400);
  });

  it('refuses a replayed callback (same code, state and login cookie)', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl, loginId } = await startedSignIn(browser, '/once');
    const first = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(first.statusCode).toBe(302);
    const before = await sessionCount();
    const replay = await world.manager()(
      httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${LOGIN_COOKIE}=${loginId}`] }),
    );
    expectFailurePage(replay, 400);
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a code already redeemed once, even under a fresh login with its own state', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl } = await startedSignIn(browser);
    expect((await browser.request('GET', `/_identity/auth${callbackUrl.search}`)).statusCode).toBe(302);
    // The attacker starts a login of their own and pairs its state with the used code.
    const attacker = new SiteBrowser(world.manager());
    const login = await attacker.request('GET', '/_identity/login');
    const state = new URL(headerOf(login, 'location')!).searchParams.get('state')!;
    const replayed = new URLSearchParams(callbackUrl.search);
    replayed.set('state', state);
    const before = await sessionCount();
    const result = await attacker.request('GET', `/_identity/auth?${replayed}`);
    expectFailurePage(result, 400);
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a callback after the login row expired (10 minutes)', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl, loginId } = await startedSignIn(browser);
    const later = world.manager({ now: () => Date.now() + 601_000 });
    const result = await later(httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${LOGIN_COOKIE}=${loginId}`] }));
    expectFailurePage(result, 400);
  });

  it('does not accept a login id as a session id', async () => {
    const browser = new SiteBrowser(world.manager());
    const { loginId } = await startedSignIn(browser);
    const result = await world.manager()(httpEvent('GET', '/_identity/session', { cookies: [`${COOKIE}=${loginId}`] }));
    expect(result.statusCode).toBe(401);
  });
});

describe('forged ID tokens (the real code is redeemed, the ID token in the answer is replaced)', () => {
  const forgeries: [string, (claims: JWTPayload) => Promise<string>][] = [
    ['signed with a key the pool does not publish (same kid)', (c) => world.idp.signIdToken(c, 'foreign')],
    ['not signed at all (alg none)', (c) => world.idp.signIdToken(c, 'none')],
    ['for another client (aud)', (c) => world.idp.signIdToken({ ...c, aud: 'someone-elses-client' })],
    ['from another issuer (iss)', (c) => world.idp.signIdToken({ ...c, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })],
    ['for another sign-in (nonce)', (c) => world.idp.signIdToken({ ...c, nonce: 'nonce-of-another-login' })],
    ['without a nonce', (c) => world.idp.signIdToken({ ...c, nonce: undefined })],
    ['expired', (c) => world.idp.signIdToken({ ...c, iat: c.iat! - 7200, exp: c.iat! - 3600 })],
    ['an access token (token_use access)', (c) => world.idp.signIdToken({ ...c, token_use: 'access' })],
    ['without token_use', (c) => world.idp.signIdToken({ ...c, token_use: undefined })],
  ];

  it.each(forgeries)('refuses an ID token %s', async (_name, forge) => {
    const browser = new SiteBrowser(world.manager({ fetch: world.idp.replaceIdTokens(forge) }));
    const before = await sessionCount();
    const { callbackUrl, callback } = await signInThrough(browser, world.idp, '/secret');
    expectFailurePage(callback, 502, '/_identity/login?path=%2Fsecret');
    expect(callback.body).toContain('Sign-in failed');
    expect(await sessionCount()).toBe(before);
    // The login row was used up: the same callback again is stale. The login
    // cookie stays (another tab may need it) and expires on its own.
    expect(setCookieFor(callback, LOGIN_COOKIE)).toBeUndefined();
    expectFailurePage(await browser.request('GET', `/_identity/auth${callbackUrl.search}`), 400);
  });

  it('accepts the untouched token through the same interception (the forgery tests test the forgery)', async () => {
    const browser = new SiteBrowser(world.manager({ fetch: world.idp.replaceIdTokens((c) => world.idp.signIdToken(c)) }));
    const { callback } = await signInThrough(browser, world.idp, '/secret');
    expect(callback.statusCode).toBe(302);
  });
});

describe('errors from the sign-in service', () => {
  const script = '<script>alert(document.cookie)</script>';

  /** A browser with a sign-in in progress, and that sign-in's state. */
  async function liveLogin(path = '/') {
    const browser = new SiteBrowser(world.manager());
    const login = await browser.request('GET', `/_identity/login?path=${encodeURIComponent(path)}`);
    return { browser, state: new URL(headerOf(login, 'location')!).searchParams.get('state')! };
  }

  it('shows nothing of the error code or description without a live login (a crafted link cannot put words on the site)', async () => {
    const error = 'account_locked_call_555_0100';
    for (const cookies of [[], [`${LOGIN_COOKIE}=${'A'.repeat(43)}`]]) {
      const result = await world.manager()(
        httpEvent('GET', `/_identity/auth?error=${error}&error_description=${encodeURIComponent(script)}&state=x`, { cookies }),
      );
      expectFailurePage(result, 400);
      expect(result.body).toContain('Sign-in expired');
      expect(result.body).not.toContain('555');
      expect(result.body).not.toContain('alert(document.cookie)');
      expect(result.body).not.toContain('The sign-in service said');
    }
  });

  it('escapes an error_description carrying <script> on a live login', async () => {
    const { browser, state } = await liveLogin();
    const result = await browser.request('GET', `/_identity/auth?error=access_denied&error_description=${encodeURIComponent(script)}&state=${state}`);
    expectFailurePage(result, 403);
    expect(result.body).not.toContain('<script');
    expect(result.body).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;');
  });

  it('escapes markup in the error code itself on a live login', async () => {
    const error = '"><img src=x onerror=alert(1)>';
    const { browser, state } = await liveLogin();
    const result = await browser.request('GET', `/_identity/auth?error=${encodeURIComponent(error)}&state=${state}`);
    expectFailurePage(result, 502);
    expect(result.body).not.toContain('<img');
    expect(result.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it.each([
    ['access_denied', 403, 'Access denied'],
    ['temporarily_unavailable', 503, 'Sign-in service unavailable'],
    ['server_error', 502, 'Sign-in failed'],
    ['invalid_request', 502, 'Sign-in failed'],
  ])('maps error=%s on a live login to %i, with a retry link to the original path', async (error, status, title) => {
    const { browser, state } = await liveLogin('/deep/page?x=1');
    const callback = `/_identity/auth?error=${error}&error_description=${encodeURIComponent(script)}&state=${state}`;
    const result = await browser.request('GET', callback);
    expectFailurePage(result, status, `/_identity/login?path=${encodeURIComponent('/deep/page?x=1')}`);
    expect(result.body).toContain(title);
    expect(result.body).toContain(`<code>${error}</code>`);
    expect(result.body).not.toContain('<script');
    // The error used the login up: shown again, the link is stale and says nothing of the provider.
    const again = await browser.request('GET', callback);
    expectFailurePage(again, 400);
    expect(again.body).not.toContain('The sign-in service said');
  });

  it('refuses a callback without a code as stale, not as an outage', async () => {
    const browser = new SiteBrowser(world.manager());
    const login = await browser.request('GET', '/_identity/login');
    const state = new URL(headerOf(login, 'location')!).searchParams.get('state')!;
    expectFailurePage(await browser.request('GET', `/_identity/auth?state=${state}`), 400);
  });
});

describe('outages fail with 503 and create nothing', () => {
  const tokenEndpoint = (): string => `${world.idp.url}/oauth2/token`;
  const failing = (match: () => string, answer: () => Promise<Response>): typeof fetch =>
    (input, init) => (String(input) === match() ? answer() : fetch(input, init));

  it.each([
    ['the token endpoint is unreachable', () => failing(tokenEndpoint, () => Promise.reject(new TypeError('fetch failed')))],
    ['the token endpoint answers 500', () => failing(tokenEndpoint, async () => new Response('oops', { status: 500 }))],
    ['the key set cannot be fetched', () => failing(() => world.idp.jwksUri, async () => new Response('', { status: 503 }))],
  ])('when %s', async (_name, makeFetch) => {
    const browser = new SiteBrowser(world.manager({ fetch: makeFetch() }));
    const before = await sessionCount();
    const { callback } = await signInThrough(browser, world.idp, '/x');
    expectFailurePage(callback, 503, '/_identity/login?path=%2Fx');
    expect(headerOf(callback, 'retry-after')).toBe('5');
    expect(await sessionCount()).toBe(before);
  });

  it('when the session table is unreachable at login', async () => {
    const down = createDynamoClient({ name: 'cogcf-sessions', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, { env: TEST_ENV });
    const result = await world.manager({ db: down })(httpEvent('GET', '/_identity/login?path=%2Fkeep'));
    expectFailurePage(result, 503, '/_identity/login?path=%2Fkeep');
    expect(setCookieFor(result, LOGIN_COOKIE)).toBeUndefined();
  });

  it('when the session table is unreachable at the callback', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl, loginId } = await startedSignIn(browser);
    const down = createDynamoClient({ name: 'cogcf-sessions', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, { env: TEST_ENV });
    const result = await world.manager({ db: down })(
      httpEvent('GET', `/_identity/auth${callbackUrl.search}`, { cookies: [`${LOGIN_COOKIE}=${loginId}`] }),
    );
    expectFailurePage(result, 503);
  });
});

describe('the Host header cannot move redirects', () => {
  it('sends a callback with a foreign Host back to the first configured origin', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callbackUrl } = await startedSignIn(browser, '/here');
    const result = await browser.request('GET', `/_identity/auth${callbackUrl.search}`, { host: 'evil.example' });
    expect(headerOf(result, 'location')).toBe(`${APP}/here`);
  });

  it.each([
    ['Host', { host: 'evil.example' }],
    ['X-Forwarded-Host', { 'x-forwarded-host': 'evil.example' }],
    ['Host with a port', { host: 'app.example.com.evil.example:443' }],
  ])('builds login and logout URLs from the configured origin whatever %s says', async (_name, headers) => {
    const browser = new SiteBrowser(world.manager(), headers);
    const login = await browser.request('GET', '/_identity/login?path=%2Fp');
    expect(new URL(headerOf(login, 'location')!).searchParams.get('redirect_uri')).toBe(`${APP}/_identity/auth`);
    const out = await browser.request('POST', '/_identity/logout');
    expect(new URL(headerOf(out, 'location')!).searchParams.get('logout_uri')).toBe(`${APP}/`);
  });
});
