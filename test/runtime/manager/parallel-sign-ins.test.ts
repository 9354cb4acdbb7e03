// Several sign-ins in one browser (two tabs, or a single-page app's fetches
// sent to login): they share the browser's login secret, each keeps its own
// login row, and each callback finds only its own, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleOf } from '../../../runtime/core/session-ids.js';
import { KEY_ATTRIBUTE } from '../../../runtime/core/session-table.js';
import { ALICE, APP, COOKIE, headerOf, httpEvent, LOGIN_COOKIE, setCookieFor, SiteBrowser, startWorld, type Result, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const CREDENTIALS = { username: ALICE.email, password: ALICE.password };
const ID = /^[A-Za-z0-9_-]{43}$/;

const loginAt = (browser: SiteBrowser, path: string): Promise<Result> =>
  browser.request('GET', `/_identity/login?path=${encodeURIComponent(path)}`);
const stateOf = (login: Result): string => new URL(headerOf(login, 'location')!).searchParams.get('state')!;
const secretSetBy = (login: Result): string | undefined => /^[^=]+=([^;]*);/.exec(setCookieFor(login, LOGIN_COOKIE) ?? '')?.[1];
const signInAt = (login: Result): Promise<URL> => world.idp.signIn(headerOf(login, 'location')!, CREDENTIALS);

describe('several sign-ins in one browser', () => {
  it('share one login secret, and each finishes once, in any order, at its own path', async () => {
    const browser = new SiteBrowser(world.manager());
    const paths = ['/one', '/two', '/three'];
    const logins: Result[] = [];
    for (const path of paths) logins.push(await loginAt(browser, path));
    const secrets = new Set(logins.map(secretSetBy));
    expect(secrets.size).toBe(1);
    expect([...secrets][0]).toMatch(ID);
    expect(new Set(logins.map(stateOf)).size).toBe(3);

    const callbacks: URL[] = [];
    for (const login of logins) callbacks.push(await signInAt(login));
    const sessions = new Set<string>();
    for (const i of [2, 0, 1]) {
      const result = await browser.request('GET', `/_identity/auth${callbacks[i]!.search}`);
      expect(result.statusCode).toBe(302);
      expect(headerOf(result, 'location')).toBe(`${APP}${paths[i]}`);
      sessions.add(browser.jar.get(COOKIE)!);
    }
    expect(sessions.size).toBe(3);
    for (const callback of callbacks) expect((await browser.request('GET', `/_identity/auth${callback.search}`)).statusCode).toBe(400);
  });

  it('a login cookie we could not have issued is replaced by a fresh secret', async () => {
    const browser = new SiteBrowser(world.manager());
    browser.jar.store([`${LOGIN_COOKIE}=not-an-id`]);
    const login = await loginAt(browser, '/fresh');
    const secret = secretSetBy(login);
    expect(secret).toMatch(ID);
    const callback = await browser.request('GET', `/_identity/auth${(await signInAt(login)).search}`);
    expect(headerOf(callback, 'location')).toBe(`${APP}/fresh`);
  });

  it('a failure in one tab keeps that tab’s path in the retry link and leaves the other tab’s sign-in alone', async () => {
    const browser = new SiteBrowser(world.manager());
    const first = await loginAt(browser, '/tab-one');
    const second = await loginAt(browser, '/tab-two');
    const denied = await browser.request('GET', `/_identity/auth?error=access_denied&state=${stateOf(first)}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toContain(`<a href="/_identity/login?path=${encodeURIComponent('/tab-one')}">Sign in again</a>`);
    expect(setCookieFor(denied, LOGIN_COOKIE)).toBeUndefined();
    const callback = await browser.request('GET', `/_identity/auth${(await signInAt(second)).search}`);
    expect(headerOf(callback, 'location')).toBe(`${APP}/tab-two`);
  });

  it('another browser’s login secret with my state finds nothing, and my sign-in still completes', async () => {
    const mine = new SiteBrowser(world.manager());
    const login = await loginAt(mine, '/mine');
    const callbackUrl = await signInAt(login);
    const other = new SiteBrowser(world.manager());
    await loginAt(other, '/theirs');
    const stolen = await other.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(stolen.statusCode).toBe(400);
    expect(setCookieFor(stolen, COOKIE)).toBeUndefined();
    const callback = await mine.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(headerOf(callback, 'location')).toBe(`${APP}/mine`);
  });

  it('the login secret is no session: neither it nor its bare hash opens anything or keys any row', async () => {
    const browser = new SiteBrowser(world.manager());
    await loginAt(browser, '/');
    const secret = browser.jar.get(LOGIN_COOKIE)!;
    const asSession = await world.manager()(httpEvent('GET', '/_identity/session', { cookies: [`${COOKIE}=${secret}`] }));
    expect(asSession.statusCode).toBe(401);
    const keys = [...(await world.rows('login')), ...(await world.rows('session'))].map((row) => (row[KEY_ATTRIBUTE] as { S: string }).S);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).not.toContain(handleOf(secret));
    expect(keys).not.toContain(secret);
  });
});
