// The local identity provider `cogcf dev` runs in place of the Cognito hosted
// UI, driven the way a browser drives it: its sign-in page, a wrong password,
// and the Cognito-shaped ID token a right one leads to.
import { spawnSync } from 'node:child_process';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ISSUER, startLocalIdp, WRONG_CREDENTIALS_MESSAGE, type LocalIdp } from '../../src/dev/local-idp.js';
import { authorizationRequest, CookieJar, followRedirects, redeemCode, signIn } from '../support/cognito-idp.js';

const CALLBACK = 'http://127.0.0.1:8080/_identity/auth';
const ALICE = { email: 'alice@example.com', password: 'correct horse', groups: ['admins', 'staff'] };
const BOB = { email: 'bob@example.com', password: 'hunter2' };

let idp: LocalIdp;
beforeAll(async () => {
  idp = await startLocalIdp({
    users: [ALICE, BOB],
    clientId: 'sandbox-client',
    clientName: 'Docs <b>& Co</b>',
    redirectUris: [CALLBACK],
    logoutUris: ['http://127.0.0.1:8080/'],
  });
});
afterAll(() => idp.close());

/** Starts a sign-in and follows it to the provider's sign-in page. */
async function openLoginPage() {
  const { url: authorize } = await authorizationRequest(idp.url, { client_id: 'sandbox-client', redirect_uri: CALLBACK });
  const jar = new CookieJar();
  const { url, response } = await followRedirects(authorize, jar);
  return { url, response, html: await response.text(), jar };
}

type LoginPage = Awaited<ReturnType<typeof openLoginPage>>;

const submit = (page: LoginPage, username: string, password: string): Promise<Response> =>
  fetch(page.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: page.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });

/** Signs in through the page and returns the callback URL and the claims of the ID token its code is redeemed for. */
async function signInAndRedeem(user: { email: string; password: string }) {
  const { url, verifier } = await authorizationRequest(idp.url, { client_id: 'sandbox-client', redirect_uri: CALLBACK });
  const callback = await signIn(url, { username: user.email, password: user.password }, [CALLBACK]);
  const token = await redeemCode(idp.tokenEndpoint, { code: callback.searchParams.get('code')!, redirectUri: CALLBACK, clientId: 'sandbox-client', verifier });
  expect(token.status).toBe(200);
  const idToken = ((await token.json()) as { id_token: string }).id_token;
  // Signed with the key the provider made for itself and publishes at its JWKS URI.
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: LOCAL_ISSUER, audience: 'sandbox-client' });
  return { callback, claims: payload };
}

describe('the local identity provider', () => {
  it('shows a sign-in page with Username and Password fields and a Sign in button', async () => {
    const { url, response, html } = await openLoginPage();
    expect(url.pathname).toMatch(/^\/login\//);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<title>Sign in</title>');
    expect(html).toMatch(/<label for=username>Username<\/label> <input id=username name=username /);
    expect(html).toMatch(/<label for=password>Password<\/label> <input id=password name=password type=password /);
    expect(html).toContain('<button type=submit>Sign in</button>');
    expect(html).toContain(`<form method=post action="${url.pathname}">`);
  });

  it('names the app client, escaped, and loads nothing from elsewhere', async () => {
    const { response, html } = await openLoginPage();
    expect(html).toContain('to continue to <strong>Docs &lt;b&gt;&amp; Co&lt;/b&gt;</strong>');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/\b(src|href)=|@import|url\(|<script/i);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('refuses a wrong password with "Incorrect username or password." and keeps the user name, escaped', async () => {
    const page = await openLoginPage();
    const wrong = await submit(page, 'alice@example.com"><script>', 'wrong');
    expect(wrong.status).toBe(401);
    const html = await wrong.text();
    expect(WRONG_CREDENTIALS_MESSAGE).toBe('Incorrect username or password.');
    expect(html).toContain('<p role=alert>Incorrect username or password.</p>');
    expect(html).toContain('value="alice@example.com&quot;&gt;&lt;script&gt;"');
    expect(html).not.toContain('<script>');
    // Someone else's password does not open an account either.
    const crossed = await submit(page, ALICE.email, BOB.password);
    expect(crossed.status).toBe(401);
    expect(await crossed.text()).toContain(WRONG_CREDENTIALS_MESSAGE);
  });

  it('signs in with the right password and issues a verifiable ID token carrying cognito:groups', async () => {
    const { callback, claims } = await signInAndRedeem(ALICE);
    expect(callback.searchParams.get('state')).toBe('state-1');
    expect(claims['cognito:groups']).toEqual(['admins', 'staff']);
    expect([claims.token_use, claims.email, claims.email_verified, claims.nonce]).toEqual(['id', ALICE.email, true, 'nonce-1']);
    expect(claims.sub).toBe(idp.users.find((u) => u.email === ALICE.email)!.sub);
  });

  it('leaves cognito:groups out for a user in no group, as Cognito does', async () => {
    const { claims } = await signInAndRedeem(BOB);
    expect(claims.email).toBe(BOB.email);
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('answers an unknown or expired sign-in with its own escaped error page', async () => {
    const response = await fetch(`${idp.url}/login/%3Cscript%3E`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<h1>Sign-in error</h1>');
    expect(html).not.toContain('<script>');
  });

  it('renders provider errors (a bad authorize request) on the same kind of page', async () => {
    const response = await fetch(`${idp.url}/oauth2/authorize?client_id=unknown-client&response_type=code`);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<h1>Sign-in error</h1>');
    expect(html).toContain('invalid_client');
  });

  it('reports a port in use as the listen error', async () => {
    const port = Number(new URL(idp.url).port);
    await expect(startLocalIdp({ users: [], clientId: 'c', redirectUris: [], logoutUris: [], port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('prints none of oidc-provider\'s start-up warnings (Node 20 runtime, in-memory store)', () => {
    const script =
      "const { startLocalIdp } = await import('./src/dev/local-idp.ts');" +
      "const idp = await startLocalIdp({ users: [], clientId: 'c', redirectUris: [], logoutUris: [] });" +
      "await idp.close(); console.log('started and stopped');";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('started and stopped\n');
    expect(r.stderr).toBe('');
  });
});
