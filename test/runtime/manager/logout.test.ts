// Sign-out: only a same-origin POST ends a session; GET shows a form, so a
// link or an image tag cannot sign anyone out, and a store outage is not
// reported as a successful sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../../runtime/core/dynamo.js';
import { handleOf } from '../../../runtime/core/session-ids.js';
import { TEST_ENV } from '../../support/session-db.js';
import { ALICE, APP, COOKIE, headerOf, httpEvent, LOGIN_COOKIE, setCookieFor, signInThrough, SiteBrowser, startWorld, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

async function signedIn(): Promise<{ browser: SiteBrowser; handle: string }> {
  const browser = new SiteBrowser(world.manager());
  await signInThrough(browser, world.idp, '/');
  return { browser, handle: handleOf(browser.jar.get(COOKIE)!) };
}

const isLive = async (handle: string): Promise<boolean> =>
  (await world.table.readSession(handle, Math.floor(Date.now() / 1000))) !== undefined;

describe('sign-out', () => {
  it('GET only shows a form that posts to the logout route; the session stays', async () => {
    const { browser, handle } = await signedIn();
    const page = await browser.request('GET', '/_identity/logout');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method=post action="/_identity/logout">');
    expect(page.body).toContain('<button type=submit>Sign out</button>');
    expect(headerOf(page, 'cache-control')).toBe('no-store');
    // The form may only go to us (and on to Cognito's /logout); nobody may frame it.
    const csp = headerOf(page, 'content-security-policy')!;
    expect(csp).toContain(`form-action 'self' ${world.idp.url}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.cookies ?? []).toEqual([]);
    expect(await isLive(handle)).toBe(true);
    expect(browser.jar.get(COOKIE)).toBeDefined();
  });

  it.each([
    ['an Origin of another site', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site', origin: 'https://blog.example.com' }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
  ])('refuses a POST with %s and keeps the session', async (_name, headers) => {
    const { browser, handle } = await signedIn();
    const result = await browser.request('POST', '/_identity/logout', headers);
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'location')).toBeUndefined();
    expect(setCookieFor(result, COOKIE)).toBeUndefined();
    expect(await isLive(handle)).toBe(true);
  });

  it('accepts a same-origin POST from a page with Referrer-Policy: no-referrer (Origin: null)', async () => {
    const { browser, handle } = await signedIn();
    const result = await browser.request('POST', '/_identity/logout', { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(result.statusCode).toBe(302);
    expect(await isLive(handle)).toBe(false);
  });

  it('accepts a POST from the other configured origin', async () => {
    const { browser, handle } = await signedIn();
    const result = await browser.request('POST', '/_identity/logout', { origin: 'https://www.example.com', 'sec-fetch-site': 'same-origin' });
    expect(result.statusCode).toBe(302);
    expect(await isLive(handle)).toBe(false);
  });

  it('without a session still clears the cookie and ends the Cognito session', async () => {
    const browser = new SiteBrowser(world.manager());
    const result = await browser.request('POST', '/_identity/logout', { origin: APP, 'sec-fetch-site': 'same-origin' });
    expect(result.statusCode).toBe(302);
    expect(new URL(headerOf(result, 'location')!).pathname).toBe('/logout');
    expect(setCookieFor(result, COOKIE)).toMatch(/Max-Age=0/);
  });

  it('clears the login cookie too: a sign-in started before sign-out cannot finish after it', async () => {
    const { browser, handle } = await signedIn();
    const login = await browser.request('GET', '/_identity/login?path=%2Flater');
    const callbackUrl = await world.idp.signIn(headerOf(login, 'location')!, { username: ALICE.email, password: ALICE.password });
    const out = await browser.request('POST', '/_identity/logout', { origin: APP, 'sec-fetch-site': 'same-origin' });
    expect(out.statusCode).toBe(302);
    expect(setCookieFor(out, LOGIN_COOKIE)).toMatch(/^__Host-cogcf-session-login=; .*Max-Age=0/);
    expect(browser.jar.get(LOGIN_COOKIE)).toBeUndefined();
    expect(await isLive(handle)).toBe(false);
    const late = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(late.statusCode).toBe(400);
    expect(setCookieFor(late, COOKIE)).toBeUndefined();
  });

  it('deletes every copy of the session cookie the browser sends', async () => {
    const first = await signedIn();
    const second = await signedIn();
    const result = await world.manager()(
      httpEvent('POST', '/_identity/logout', {
        cookies: [`${COOKIE}=${first.browser.jar.get(COOKIE)!}`, `${COOKIE}=${second.browser.jar.get(COOKIE)!}`],
      }),
    );
    expect(result.statusCode).toBe(302);
    expect(await isLive(first.handle)).toBe(false);
    expect(await isLive(second.handle)).toBe(false);
  });

  it('says so, keeps the cookie and does not redirect when the session cannot be deleted', async () => {
    const { browser, handle } = await signedIn();
    const down = createDynamoClient({ name: 'cogcf-sessions', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, { env: TEST_ENV });
    const stuck = new SiteBrowser(world.manager({ db: down }));
    stuck.jar.store([`${COOKIE}=${browser.jar.get(COOKIE)!}`]);
    const result = await stuck.request('POST', '/_identity/logout');
    expect(result.statusCode).toBe(503);
    expect(result.body).toContain('still signed in');
    expect(headerOf(result, 'location')).toBeUndefined();
    expect(setCookieFor(result, COOKIE)).toBeUndefined();
    expect(await isLive(handle)).toBe(true);
  });
});

describe('the session endpoint', () => {
  it('answers 401 JSON without a cookie, with a malformed one and with an unknown one', async () => {
    const manager = world.manager();
    for (const cookies of [[], [`${COOKIE}=not-an-id`], [`${COOKIE}=${'A'.repeat(43)}`]]) {
      const result = await new SiteBrowser(manager).request('GET', '/_identity/session', cookies.length ? { cookie: cookies[0]! } : {});
      expect(result.statusCode).toBe(401);
      expect(headerOf(result, 'content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(result.body!)).toEqual({ error: 'not_signed_in' });
    }
  });

  it('answers 503 JSON when the table cannot be read', async () => {
    const { browser } = await signedIn();
    const down = createDynamoClient({ name: 'cogcf-sessions', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, { env: TEST_ENV });
    const stuck = new SiteBrowser(world.manager({ db: down }));
    stuck.jar.store([`${COOKIE}=${browser.jar.get(COOKIE)!}`]);
    const result = await stuck.request('GET', '/_identity/session');
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body!)).toEqual({ error: 'unavailable' });
  });

  it('does not report a session past its expiry', async () => {
    const { browser } = await signedIn();
    const later = new SiteBrowser(world.manager({ now: () => Date.now() + 43_201_000 }));
    later.jar.store([`${COOKIE}=${browser.jar.get(COOKIE)!}`]);
    expect((await later.request('GET', '/_identity/session')).statusCode).toBe(401);
  });
});
