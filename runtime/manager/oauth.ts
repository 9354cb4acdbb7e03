// The OAuth side of sign-in, done by oauth4webapi: fresh PKCE/state/nonce,
// the authorization URL, and the code exchange at Cognito's token endpoint
// as a public client (PKCE instead of a secret). oauth4webapi validates the
// ID token's claims (iss, aud, exp, iat, nonce) but, by design, not its
// signature (OIDC Core allows TLS to stand in for it): id-token.ts does that.
import * as oauth from 'oauth4webapi';
import type { CognitoConfig } from '../core/config.js';
import { isLoopbackHttp } from './endpoints.js';
import { providerFailure, SignInError } from './sign-in-error.js';

const TOKEN_TIMEOUT_MS = 5000;

export interface LoginSecrets {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

export interface CodeExchange extends LoginSecrets {
  readonly callbackQuery: URLSearchParams;
  readonly redirectUri: string;
  /** Epoch ms: the clock the claim checks use. */
  readonly now: number;
}

export interface OAuthClient {
  newLoginSecrets(): LoginSecrets;
  authorizationUrl(secrets: LoginSecrets, redirectUri: string): Promise<string>;
  /** The raw ID token after a successful exchange; throws SignInError. */
  exchangeCode(exchange: CodeExchange): Promise<string>;
}

export function createOAuthClient(cognito: CognitoConfig, fetchImpl?: typeof fetch): OAuthClient {
  const authorizationEndpoint = `${cognito.domainUrl}/oauth2/authorize`;
  const as: oauth.AuthorizationServer = {
    issuer: cognito.issuer,
    authorization_endpoint: authorizationEndpoint,
    token_endpoint: `${cognito.domainUrl}/oauth2/token`,
    jwks_uri: cognito.jwksUri,
  };
  const requestOptions: oauth.TokenEndpointRequestOptions = {
    ...(isLoopbackHttp(cognito.domainUrl, 'cognito.domainUrl') ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(fetchImpl ? { [oauth.customFetch]: fetchImpl } : {}),
  };
  const clientAt = (now: number): oauth.Client => ({
    client_id: cognito.clientId,
    id_token_signed_response_alg: 'RS256',
    // Lets the claim checks run on the injected clock, not the process clock.
    [oauth.clockSkew]: (now - Date.now()) / 1000,
  });

  return {
    newLoginSecrets: () => ({
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      verifier: oauth.generateRandomCodeVerifier(),
    }),

    async authorizationUrl(secrets, redirectUri) {
      const url = new URL(authorizationEndpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: cognito.clientId,
        redirect_uri: redirectUri,
        scope: cognito.scopes.join(' '),
        state: secrets.state,
        nonce: secrets.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(secrets.verifier),
        code_challenge_method: 'S256',
        ...(cognito.identityProvider === undefined ? {} : { identity_provider: cognito.identityProvider }),
      }).toString();
      return url.href;
    },

    async exchangeCode({ callbackQuery, redirectUri, state, nonce, verifier, now }) {
      const client = clientAt(now);
      let params: URLSearchParams;
      try {
        params = oauth.validateAuthResponse(as, client, callbackQuery, state);
      } catch (e) {
        if (e instanceof oauth.AuthorizationResponseError) throw providerFailure(e.error, e.error_description);
        throw new SignInError('failed', 'authorization response rejected', undefined, { cause: e });
      }
      let response: Response;
      try {
        response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
          ...requestOptions,
          signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
        });
      } catch (e) {
        // A callback without a code is checked before anything is sent.
        if (e instanceof oauth.OperationProcessingError) throw new SignInError('expired', 'callback without a code', undefined, { cause: e });
        throw new SignInError('unavailable', 'token endpoint unreachable', undefined, { cause: e });
      }
      try {
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
        return tokens.id_token!;
      } catch (e) {
        throw tokenFailure(e);
      }
    },
  };
}

function tokenFailure(e: unknown): SignInError {
  const status =
    e instanceof oauth.ResponseBodyError
      ? e.status
      : e instanceof oauth.OperationProcessingError && e.code === oauth.RESPONSE_IS_NOT_CONFORM && e.cause instanceof Response
        ? e.cause.status
        : 200;
  if (status >= 500) return new SignInError('unavailable', `token endpoint answered ${status}`, undefined, { cause: e });
  // A used or expired code: the attempt is stale, not the service broken.
  if (e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant') {
    return new SignInError('expired', 'code rejected by the token endpoint', undefined, { cause: e });
  }
  return new SignInError('failed', 'token response rejected', undefined, { cause: e });
}
