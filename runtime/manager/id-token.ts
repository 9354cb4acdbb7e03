// ID-token verification with jose against the pool's JWKS: signature (RS256
// only), iss, aud = our client, exp, iat not ahead of the clock, nonce,
// token_use = id. The e-mail is kept only if the pool says it is verified:
// self-registered and federated users (and users who changed the attribute)
// may carry any address, and the origin trusts x-barrier-user-email.
// The key set is fetched on first use and kept for the life of the manager,
// which is the container's life (index.ts builds it at module load); jose
// refetches it when a token names a key it does not hold (key rotation).
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

// Federated users get the string form.
const verifiedEmailOf = (claims: JWTPayload): string =>
  typeof claims.email === 'string' && (claims.email_verified === true || claims.email_verified === 'true') ? claims.email : '';

// Clocks of Lambda and Cognito may differ by a little, never by much.
const CLOCK_TOLERANCE_SECONDS = 5;
// The token was minted by the exchange just before; with maxTokenAge jose
// also refuses an `iat` in the future.
const MAX_TOKEN_AGE_SECONDS = 3600;

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
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      }));
    } catch (e) {
      if (keysUnavailable(e)) throw new SignInError('unavailable', 'signing keys unavailable', undefined, { cause: e });
      throw new SignInError('failed', 'ID token rejected', undefined, { cause: e });
    }
    if (claims.token_use !== 'id') throw new SignInError('failed', 'not an ID token (token_use)');
    if (claims.nonce !== expectedNonce) throw new SignInError('failed', 'ID token nonce mismatch');
    return {
      sub: claims.sub!,
      email: verifiedEmailOf(claims),
      groups: stringsOf(claims['cognito:groups']),
    };
  };
}
