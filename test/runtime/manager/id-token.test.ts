// The ID-token check on its own (jose against the pool's JWKS), so each rule
// is shown to hold without oauth4webapi's claim checks in front of it.
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerConfigError } from '../../../runtime/manager/endpoints.js';
import { createIdTokenVerifier, type IdTokenVerifier } from '../../../runtime/manager/id-token.js';
import { SignInError } from '../../../runtime/manager/sign-in-error.js';
import { startCognitoIdp, type CognitoIdp } from '../../support/cognito-idp.js';

let idp: CognitoIdp;
let verify: IdTokenVerifier;
beforeAll(async () => {
  idp = await startCognitoIdp({ users: [], clientId: 'client-a', redirectUris: [], logoutUris: [] });
  verify = createIdTokenVerifier(idp.cognitoConfig());
});
afterAll(() => idp.close());

const NONCE = 'expected-nonce';

/** Valid claims with `overrides` applied; an undefined override removes the claim. */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const all: Record<string, unknown> = {
    iss: idp.issuer,
    aud: 'client-a',
    sub: 'user-1',
    token_use: 'id',
    nonce: NONCE,
    email: 'user@example.com',
    email_verified: true,
    'cognito:groups': ['admins', 42, 'staff'],
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

async function failureOf(token: Promise<string>, nonce = NONCE): Promise<string> {
  try {
    await verify(await token, nonce, Date.now());
  } catch (e) {
    expect(e).toBeInstanceOf(SignInError);
    return (e as SignInError).failure;
  }
  throw new Error('the token was accepted');
}

describe('ID-token verification', () => {
  it('accepts a token signed by the pool and returns sub, email and the string groups', async () => {
    await expect(verify(await idp.signIdToken(claims()), NONCE, Date.now())).resolves.toEqual({
      sub: 'user-1',
      email: 'user@example.com',
      groups: ['admins', 'staff'],
    });
  });

  it.each<[string, () => Promise<string>]>([
    ['signed with a foreign key under the pool’s kid', () => idp.signIdToken(claims(), 'foreign')],
    ['unsigned (alg none)', () => idp.signIdToken(claims(), 'none')],
    ['for another audience', () => idp.signIdToken(claims({ aud: 'client-b' }))],
    ['from another issuer', () => idp.signIdToken(claims({ iss: 'https://evil.example' }))],
    ['expired', () => idp.signIdToken(claims({ exp: Math.floor(Date.now() / 1000) - 60 }))],
    ['an access token', () => idp.signIdToken(claims({ token_use: 'access' }))],
    ['without token_use', () => idp.signIdToken(claims({ token_use: undefined }))],
    ['without sub', () => idp.signIdToken(claims({ sub: undefined }))],
    ['not a JWT at all', async () => 'not.a.jwt'],
  ])('refuses a token %s', async (_name, token) => {
    expect(await failureOf(token())).toBe('failed');
  });

  it.each<[string, unknown, string]>([
    ['true', true, 'user@example.com'],
    ['"true" (federated users)', 'true', 'user@example.com'],
    ['false', false, ''],
    ['"false"', 'false', ''],
    ['missing', undefined, ''],
    ['"TRUE"', 'TRUE', ''],
    ['1', 1, ''],
    ['["true"]', ['true'], ''],
  ])('keeps the e-mail only if it is verified: email_verified %s', async (_name, emailVerified, email) => {
    const identity = await verify(await idp.signIdToken(claims({ email_verified: emailVerified })), NONCE, Date.now());
    expect(identity).toEqual({ sub: 'user-1', email, groups: ['admins', 'staff'] });
  });

  it('refuses a token issued in the future, beyond a few seconds of clock skew', async () => {
    const now = Date.now();
    const at = (seconds: number) => Math.floor(now / 1000) + seconds;
    const ahead = (seconds: number) => idp.signIdToken(claims({ iat: at(seconds), exp: at(seconds + 3600) }));
    expect(await failureOf(ahead(60))).toBe('failed');
    await expect(verify(await ahead(60), NONCE, now)).rejects.toMatchObject({ cause: { claim: 'iat' } });
    await expect(verify(await ahead(2), NONCE, now)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses a token minted more than an hour before the exchange', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await failureOf(idp.signIdToken(claims({ iat: now - 7200, exp: now + 600 })))).toBe('failed');
  });

  it('refuses a token minted for another sign-in (nonce)', async () => {
    expect(await failureOf(idp.signIdToken(claims()), 'nonce-of-this-sign-in')).toBe('failed');
  });

  it('checks expiry against the injected clock', async () => {
    const token = await idp.signIdToken(claims());
    await expect(verify(token, NONCE, Date.now() + 2 * 3600_000)).rejects.toMatchObject({ failure: 'failed' });
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const offline = createIdTokenVerifier(idp.cognitoConfig(), () => Promise.reject(new TypeError('fetch failed')));
    await expect(offline(await idp.signIdToken(claims()), NONCE, Date.now())).rejects.toMatchObject({ failure: 'unavailable' });
  });

  it('accepts plain http for the key set only on the loopback interface', () => {
    const config = { ...idp.cognitoConfig(), jwksUri: 'http://keys.example.com/.well-known/jwks.json' };
    expect(() => createIdTokenVerifier(config)).toThrow(ManagerConfigError);
  });
});
