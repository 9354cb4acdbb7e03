// The local Cognito stand-in behaves like Cognito where the manager (and the
// later browser sandbox) rely on it.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  CookieJar,
  followRedirects,
  LOCAL_ISSUER,
  redeemCode,
  SignInRejected,
  startCognitoIdp,
  type CognitoIdp,
} from '../../support/cognito-idp.js';

const CALLBACK = 'https://app.example.com/_identity/auth';
const USER = { email: 'carol@example.com', password: 'pw-carol', groups: ['editors'] };
const UNVERIFIED = { email: 'dave@example.com', password: 'pw-dave', emailVerified: false };
const OPTIONS = { users: [USER, UNVERIFIED], clientId: 'client-c', redirectUris: [CALLBACK], logoutUris: ['https://app.example.com/'] };
let idp: CognitoIdp;
beforeAll(async () => {
  idp = await startCognitoIdp(OPTIONS);
});
afterAll(() => idp.close());

const authorizeUrl = (overrides: Record<string, string | undefined> = {}, at: CognitoIdp = idp) =>
  authorizationRequest(at.url, { client_id: 'client-c', redirect_uri: CALLBACK, ...overrides });

const credentials = { username: USER.email, password: USER.password };
const logoutUrl = (logoutUri: string, clientId = 'client-c'): string =>
  `${idp.url}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: logoutUri })}`;

describe('the local Cognito stand-in', () => {
  /** The claims of the ID token a sign-in as `user` yields. */
  async function idTokenClaims(user: { email: string; password: string }) {
    const { url, verifier } = await authorizeUrl();
    const callback = await idp.signIn(url, { username: user.email, password: user.password });
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('state-1');
    expect(callback.searchParams.get('iss')).toBe(LOCAL_ISSUER);
    const response = await redeemCode(`${idp.url}/oauth2/token`, {
      code: callback.searchParams.get('code')!,
      redirectUri: CALLBACK,
      clientId: 'client-c',
      verifier,
    });
    expect(response.status).toBe(200);
    return decodeJwt(((await response.json()) as { id_token: string }).id_token);
  }

  it('issues Cognito-shaped ID tokens for a code redeemed with PKCE', async () => {
    const claims = await idTokenClaims(USER);
    const sub = idp.users[0]!.sub;
    expect(claims).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: 'client-c',
      sub,
      token_use: 'id',
      'cognito:username': sub,
      'cognito:groups': ['editors'],
      email: USER.email,
      email_verified: true,
      nonce: 'nonce-1',
    });
  });

  it('says email_verified false for a user created unverified', async () => {
    expect(await idTokenClaims(UNVERIFIED)).toMatchObject({ email: UNVERIFIED.email, email_verified: false });
  });

  it('leaves iss out of its redirects to the client when asked, on success and on error', async () => {
    const quiet = await startCognitoIdp({ ...OPTIONS, authorizationResponseIss: false });
    try {
      const success = await quiet.signIn((await authorizeUrl({}, quiet)).url, credentials);
      expect(success.searchParams.has('code')).toBe(true);
      expect(success.searchParams.get('state')).toBe('state-1');
      expect(success.searchParams.has('iss')).toBe(false);
      const failure = await quiet.signIn((await authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined }, quiet)).url, credentials);
      expect(failure.searchParams.get('error')).toBe('invalid_request');
      expect(failure.searchParams.has('iss')).toBe(false);
    } finally {
      await quiet.close();
    }
  });

  it('requires PKCE', async () => {
    const { url } = await authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined });
    const callback = await idp.signIn(url, credentials);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.has('code')).toBe(false);
    expect(callback.searchParams.get('iss')).toBe(LOCAL_ISSUER);
  });

  it('refuses a wrong password on its sign-in page', async () => {
    const { url } = await authorizeUrl();
    await expect(idp.signIn(url, { username: USER.email, password: 'wrong' })).rejects.toBeInstanceOf(SignInRejected);
  });

  it('labels its sign-in form the way the browser sandbox will look for it', async () => {
    const { url } = await authorizeUrl();
    const { response } = await followRedirects(url, new CookieJar());
    const page = await response.text();
    expect(page).toContain('<label for=username>Username</label>');
    expect(page).toContain('<label for=password>Password</label>');
    expect(page).toContain('<button type=submit>Sign in</button>');
  });

  it('accepts /logout only for its client and a registered logout_uri', async () => {
    expect((await fetch(logoutUrl('https://evil.example/'), { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(logoutUrl('https://app.example.com/', 'other-client'), { redirect: 'manual' })).status).toBe(400);
    const ok = await fetch(logoutUrl('https://app.example.com/'), { redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://app.example.com/');
    expect(idp.logouts.at(-1)).toEqual({ clientId: 'client-c', logoutUri: 'https://app.example.com/' });
  });

  it('keeps a hosted-UI session until /logout ends it', async () => {
    const jar = new CookieJar();
    await idp.signIn((await authorizeUrl()).url, credentials, jar);
    // Signed in already: no password is asked for, so a wrong one does not matter.
    const silent = await idp.signIn((await authorizeUrl()).url, { username: USER.email, password: 'wrong' }, jar);
    expect(silent.searchParams.has('code')).toBe(true);
    const out = await fetch(logoutUrl('https://app.example.com/'), { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(out.headers.getSetCookie());
    await expect(idp.signIn((await authorizeUrl()).url, { username: USER.email, password: 'wrong' }, jar)).rejects.toBeInstanceOf(
      SignInRejected,
    );
  });
});
