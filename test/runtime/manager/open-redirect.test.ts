// Open redirects (prior-art.md §8: the 2019 barrier's `@evil`, oauth2-proxy's
// four advisories, Auth@Edge's missing leading slash). Each attack goes the
// whole way: login → sign-in → callback, and the browser must land on the
// site's own origin at `/`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../../runtime/manager/return-path.js';
import { APP, headerOf, signInThrough, SiteBrowser, startWorld, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

// The value of `path` after the query string is decoded once, i.e. what
// `encodeURIComponent` was applied to.
const attacks: [string, string][] = [
  ['protocol-relative', '//evil.example'],
  ['protocol-relative with a path', '//evil.example/login'],
  ['slash backslash', '/\\evil.example'],
  ['backslash slash', '\\/evil.example'],
  ['double backslash', '\\\\evil.example'],
  ['absolute https URL', 'https://evil.example'],
  ['scheme without slashes', 'https:evil.example'],
  ['userinfo (the 2019 barrier: https://<domain>@evil)', '@evil.example'],
  ['bare host name', 'evil.example'],
  ['encoded double slash', '%2F%2Fevil.example'],
  ['lower-case encoded double slash', '%2f%2fevil.example'],
  ['slash then encoded slash', '/%2Fevil.example'],
  ['encoded tab between slashes', '/%09/evil.example'],
  ['encoded newline between slashes', '/%0a/evil.example'],
  ['encoded carriage return between slashes', '/%0D/evil.example'],
  ['raw tab between slashes', '/\t/evil.example'],
  ['raw newline between slashes', '/\n/evil.example'],
  ['encoded backslash', '/%5Cevil.example'],
  ['lower-case encoded backslash', '/%5cevil.example'],
  ['double-encoded slash', '/%252Fevil.example'],
  ['triple-encoded slash', '/%25252Fevil.example'],
  ['nested percent encoding', '/%%32%46evil.example'],
  ['dot segments that resolve to //', '/..//evil.example'],
  ['encoded dot segments that resolve to //', '/%2e%2e//evil.example'],
  ['single dot segment that resolves to //', '/.//evil.example'],
  ['javascript: URL', 'javascript:alert(document.domain)'],
  ['mixed-case javascript: URL', 'JaVaScRiPt:alert(1)'],
  ['data: URL', 'data:text/html,<script>alert(1)</script>'],
  ['leading space', ' //evil.example'],
  ['null byte', '/%00//evil.example'],
  ['the manager’s own login route (would start another sign-in)', '/_identity/login?path=/'],
  ['longer than any real path', `/${'a'.repeat(3000)}`],
];

describe('return paths that must not leave the site', () => {
  it.each(attacks)('%s lands on /', async (_name, path) => {
    const browser = new SiteBrowser(world.manager());
    const { login, callback } = await signInThrough(browser, world.idp, path);
    expect(new URL(headerOf(login, 'location')!).searchParams.get('redirect_uri')).toBe(`${APP}/_identity/auth`);
    expect(callback.statusCode).toBe(302);
    expect(headerOf(callback, 'location')).toBe(`${APP}/`);
  });

  it('refuses an encoded double slash sent raw in the query (%252F%252F decodes to %2F%2F)', async () => {
    const browser = new SiteBrowser(world.manager());
    const login = await browser.request('GET', '/_identity/login?path=%252F%252Fevil.example');
    const callbackUrl = await world.idp.signIn(headerOf(login, 'location')!, { username: 'alice@example.com', password: 'correct horse' });
    const callback = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
    expect(headerOf(callback, 'location')).toBe(`${APP}/`);
  });
});

describe('return paths that are kept', () => {
  const kept: [string, string][] = [
    ['/', '/'],
    ['/reports/2026?view=full&sort=desc', '/reports/2026?view=full&sort=desc'],
    ['/@alice', '/@alice'],
    ['/files/a%2Fb', '/files/a%2Fb'],
    ['/search?q=a%20b&next=%2Fhome', '/search?q=a%20b&next=%2Fhome'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/café', '/caf%C3%A9'],
    ['/100%25', '/100%25'],
    ['/a//b', '/a//b'],
    ['/docs/../guide', '/guide'],
    ['/page#section', '/page'],
    ['/_identityx/not-ours', '/_identityx/not-ours'],
  ];

  it.each(kept)('%j returns to %j', (requested, expected) => {
    expect(safeReturnPath(requested, APP, '/_identity')).toBe(expected);
  });

  it('returns to a kept path through the whole flow', async () => {
    const browser = new SiteBrowser(world.manager());
    const { callback } = await signInThrough(browser, world.idp, '/search?q=a%20b&next=%2Fhome');
    expect(headerOf(callback, 'location')).toBe(`${APP}/search?q=a%20b&next=%2Fhome`);
  });

  it('falls back to / for a missing or empty path', () => {
    expect(safeReturnPath(null, APP, '/_identity')).toBe('/');
    expect(safeReturnPath('', APP, '/_identity')).toBe('/');
  });
});
