// The whole sign-in and sign-out through the manager, against dynalite and
// the local Cognito stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleOf } from '../../../runtime/core/session-ids.js';
import { ManagerConfigError } from '../../../runtime/manager/endpoints.js';
import { startCognitoIdp } from '../../support/cognito-idp.js';
import { ALICE, APP, BOB, CAROL, COOKIE, headerOf, httpEvent, IDP_OPTIONS, LOGIN_COOKIE, setCookieFor, signInThrough, SiteBrowser, startWorld, WWW, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

describe('sign-in, session and sign-out', () => {
  it('signs in, reports the session, and signs out at the manager and at Cognito', async () => {
    const browser = new SiteBrowser(world.manager());
    const before = Date.now();
    const { login, callbackUrl, callback } = await signInThrough(browser, world.idp, '/reports/2026?view=full');

    // Login: a login cookie and a PKCE authorization request to the hosted UI.
    expect(login.statusCode).toBe(302);
    expect(headerOf(login, 'cache-control')).toBe('no-store');
    const loginCookie = setCookieFor(login, LOGIN_COOKIE)!;
    expect(loginCookie).toMatch(/^__Host-cogcf-session-login=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; Secure; HttpOnly; SameSite=Lax$/);
    const authorize = new URL(headerOf(login, 'location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${world.idp.url}/oauth2/authorize`);
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(world.idp.clientId);
    expect(q.get('redirect_uri')).toBe(`${APP}/_identity/auth`);
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.has('identity_provider')).toBe(false);
    expect(callbackUrl.searchParams.get('state')).toBe(q.get('state'));

    // Callback: a session row and cookie, back to the saved path. The login
    // cookie is left to expire: another tab's sign-in may still need it.
    expect(callback.statusCode).toBe(302);
    expect(headerOf(callback, 'location')).toBe(`${APP}/reports/2026?view=full`);
    expect(headerOf(callback, 'cache-control')).toBe('no-store');
    expect(setCookieFor(callback, LOGIN_COOKIE)).toBeUndefined();
    expect(setCookieFor(callback, COOKIE)).toMatch(/^__Host-cogcf-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; Secure; HttpOnly; SameSite=Lax$/);
    const sessionId = browser.jar.get(COOKIE)!;
    const row = await world.table.readSession(handleOf(sessionId), Math.floor(Date.now() / 1000));
    const alice = world.idp.users[0]!;
    expect(row).toEqual({
      handle: handleOf(sessionId),
      sub: alice.sub,
      email: ALICE.email,
      groups: ALICE.groups,
      createdAt: expect.any(Number),
      expiresAt: row!.createdAt + 43200,
    });
    expect(row!.createdAt).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    // The login row was consumed.
    expect(await world.rows('login')).toHaveLength(0);

    // Session JSON for single-page apps.
    const info = await browser.request('GET', '/_identity/session');
    expect(info.statusCode).toBe(200);
    expect(headerOf(info, 'content-type')).toMatch(/^application\/json/);
    expect(headerOf(info, 'cache-control')).toBe('no-store');
    expect(JSON.parse(info.body!)).toEqual({
      handle: handleOf(sessionId),
      sub: alice.sub,
      email: ALICE.email,
      groups: ALICE.groups,
      createdAt: row!.createdAt,
      expiresAt: row!.expiresAt,
    });

    // Sign-out: row gone, cookies cleared, on to Cognito's /logout.
    const out = await browser.request('POST', '/_identity/logout', { origin: APP, 'sec-fetch-site': 'same-origin' });
    expect(out.statusCode).toBe(302);
    expect(headerOf(out, 'cache-control')).toBe('no-store');
    const logoutUrl = new URL(headerOf(out, 'location')!);
    expect(logoutUrl.origin + logoutUrl.pathname).toBe(`${world.idp.url}/logout`);
    expect(Object.fromEntries(logoutUrl.searchParams)).toEqual({ client_id: world.idp.clientId, logout_uri: `${APP}/` });
    expect(setCookieFor(out, COOKIE)).toMatch(/^__Host-cogcf-session=; .*Max-Age=0/);
    expect(setCookieFor(out, LOGIN_COOKIE)).toMatch(/^__Host-cogcf-session-login=; .*Max-Age=0/);
    expect(browser.jar.get(COOKIE)).toBeUndefined();
    expect(browser.jar.get(LOGIN_COOKIE)).toBeUndefined();
    expect(await world.table.readSession(handleOf(sessionId), Math.floor(Date.now() / 1000))).toBeUndefined();

    // Cognito accepts exactly that logout request and sends the browser back to the site.
    const atCognito = await fetch(logoutUrl, { redirect: 'manual' });
    expect(atCognito.status).toBe(302);
    expect(atCognito.headers.get('location')).toBe(`${APP}/`);

    // And the session endpoint now says so.
    const after = await browser.request('GET', '/_identity/session');
    expect(after.statusCode).toBe(401);
    expect(JSON.parse(after.body!)).toEqual({ error: 'not_signed_in' });
  });

  it('keeps groups empty for a user in none, and returns to / without a path', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callback } = await signInThrough(browser, world.idp, undefined, BOB);
    expect(headerOf(callback, 'location')).toBe(`${APP}/`);
    const info = JSON.parse((await browser.request('GET', '/_identity/session')).body!);
    expect(info).toMatchObject({ email: BOB.email, groups: [] });
  });

  it('keeps the e-mail of a user who never verified it out of the session', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callback } = await signInThrough(browser, world.idp, '/', CAROL);
    expect(headerOf(callback, 'location')).toBe(`${APP}/`);
    const info = JSON.parse((await browser.request('GET', '/_identity/session')).body!);
    expect(info).toMatchObject({ sub: world.idp.users[2]!.sub, email: '' });
  });

  it('keeps the e-mail of a federated user, whose email_verified is the string "true"', async () => {
    const federated = world.idp.replaceIdTokens((c) => world.idp.signIdToken({ ...c, email_verified: 'true' }));
    const browser = new SiteBrowser(world.manager({ fetch: federated }));
    await signInThrough(browser, world.idp, '/');
    const info = JSON.parse((await browser.request('GET', '/_identity/session')).body!);
    expect(info).toMatchObject({ email: ALICE.email });
  });

  it('signs in whether or not the sign-in service puts iss into its redirect', async () => {
    const withIss = await signInThrough(new SiteBrowser(world.manager()), world.idp, '/a');
    expect(withIss.callbackUrl.searchParams.get('iss')).toBe(world.idp.issuer);
    expect(headerOf(withIss.callback, 'location')).toBe(`${APP}/a`);

    const quiet = await startCognitoIdp({ ...IDP_OPTIONS, authorizationResponseIss: false });
    try {
      const browser = new SiteBrowser(world.manager({}, { cognito: quiet.cognitoConfig() }));
      const withoutIss = await signInThrough(browser, quiet, '/b');
      expect(withoutIss.callbackUrl.searchParams.has('iss')).toBe(false);
      expect(withoutIss.callbackUrl.searchParams.has('code')).toBe(true);
      expect(headerOf(withoutIss.callback, 'location')).toBe(`${APP}/b`);
    } finally {
      await quiet.close();
    }
  });

  it('uses the configured origin the Host header names, for every URL it builds', async () => {
    const browser = new SiteBrowser(world.manager(), { host: 'www.example.com' });
    const { login, callback } = await signInThrough(browser, world.idp, '/docs');
    expect(new URL(headerOf(login, 'location')!).searchParams.get('redirect_uri')).toBe(`${WWW}/_identity/auth`);
    expect(headerOf(callback, 'location')).toBe(`${WWW}/docs`);
    const out = await browser.request('POST', '/_identity/logout');
    expect(new URL(headerOf(out, 'location')!).searchParams.get('logout_uri')).toBe(`${WWW}/`);
  });

  it('selects the origin by X-Forwarded-Host before Host (CloudFront sends the function URL host as Host)', async () => {
    const manager = world.manager();
    const browser = new SiteBrowser(manager, { host: 'abcdefgh.lambda-url.us-east-1.on.aws', 'x-forwarded-host': 'www.example.com' });
    const login = await browser.request('GET', '/_identity/login');
    expect(new URL(headerOf(login, 'location')!).searchParams.get('redirect_uri')).toBe(`${WWW}/_identity/auth`);
  });

  it('sends the identity_provider hint and the configured scopes', async () => {
    const cognito = { ...world.config.cognito, identityProvider: 'Google', scopes: ['openid', 'email'] };
    const browser = new SiteBrowser(world.manager({}, { cognito }));
    const login = await browser.request('GET', '/_identity/login?path=%2F');
    const q = new URL(headerOf(login, 'location')!).searchParams;
    expect(q.get('identity_provider')).toBe('Google');
    expect(q.get('scope')).toBe('openid email');
  });

  it('honours a shorter configured session lifetime in the cookie and the row', async () => {
    const browser = new SiteBrowser(world.manager({}, { sessionTtlSeconds: 900 }));
    const { callback } = await signInThrough(browser, world.idp, '/');
    expect(setCookieFor(callback, COOKIE)).toContain('Max-Age=900;');
    const row = await world.table.readSession(handleOf(browser.jar.get(COOKIE)!), Math.floor(Date.now() / 1000));
    expect(row!.expiresAt - row!.createdAt).toBe(900);
  });

  it('refuses a plain-http sign-in service outside the loopback interface', () => {
    const cognito = { ...world.config.cognito, domainUrl: 'http://auth.example.com' };
    expect(() => world.manager({}, { cognito })).toThrow(ManagerConfigError);
  });

  it('answers unknown routes with 404 and wrong methods with 405, never cached', async () => {
    const manager = world.manager();
    const missing = await manager(httpEvent('GET', '/_identity/nothing-here'));
    expect(missing.statusCode).toBe(404);
    expect(headerOf(missing, 'cache-control')).toBe('no-store');
    const wrong = await new SiteBrowser(manager).request('POST', '/_identity/login');
    expect(wrong.statusCode).toBe(405);
    expect(headerOf(wrong, 'allow')).toBe('GET');
    expect(headerOf(wrong, 'cache-control')).toBe('no-store');
  });
});
