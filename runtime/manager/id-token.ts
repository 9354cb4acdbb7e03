// ID-token verification with jose against the pool's JWKS: signature (RS256
// only), iss, aud = our client, exp, nonce, token_use = id. The key set is
// fetched on first use and kept for the life of the manager, which is the
// container's life (index.ts builds it at module load); jose refetches it
// when a token names a key it does not hold (Cognito key rotation).
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose';
import type { CognitoConfig } from '../core/config.js';
import { isLoopbackHttp } from './endpoints.js';
import { SignInError } from './sign-in-error.js';

export interface VerifiedIdentity {
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly string[];
}

/** Throws SignInError: `failed` for a bad token, `unavailable` if the keys cannot be fetched. */
export type IdTokenVerifier = (idToken: string, expectedNonce: string, nowMs: number) => Promise<VerifiedIdentity>;

// jose's generic error here means the JWKS endpoint answered badly (not 200, not JSON).
const keysUnavailable = (e: unknown): boolean =>
  !(e instanceof errors.JOSEError) || e instanceof errors.JWKSTimeout || e.code === errors.JOSEError.code;

const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export function createIdTokenVerifier(cognito: CognitoConfig, fetchImpl?: typeof fetch): IdTokenVerifier {
  isLoopbackHttp(cognito.jwksUri, 'cognito.jwksUri');
  const keys = createRemoteJWKSet(new URL(cognito.jwksUri), fetchImpl ? { [customFetch]: fetchImpl } : {});

  return async (idToken, expectedNonce, nowMs) => {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(idToken, keys, {
        algorithms: ['RS256'],
        issuer: cognito.issuer,
        audience: cognito.clientId,
        currentDate: new Date(nowMs),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (e) {
      if (keysUnavailable(e)) throw new SignInError('unavailable', 'signing keys unavailable', undefined, { cause: e });
      throw new SignInError('failed', 'ID token rejected', undefined, { cause: e });
    }
    if (claims.token_use !== 'id') throw new SignInError('failed', 'not an ID token (token_use)');
    if (claims.nonce !== expectedNonce) throw new SignInError('failed', 'ID token nonce mismatch');
    return {
      sub: claims.sub!,
      email: typeof claims.email === 'string' ? claims.email : '',
      groups: stringsOf(claims['cognito:groups']),
    };
  };
}
