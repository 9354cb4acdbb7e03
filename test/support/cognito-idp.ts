// The local Cognito stand-in (src/dev/local-idp.ts, which `cogcf dev` runs)
// plus what only tests need:
// - `signIn` drives its sign-in page headlessly (fetch + a cookie jar);
// - `signIdToken` signs any claims with the pool's real key (or a foreign key
//   under the same kid, or no signature at all), and `replaceIdTokens` wraps
//   fetch so that token-endpoint responses carry such a forgery in place of
//   the real ID token.
import { decodeJwt, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import * as oauth from 'oauth4webapi';
import { generateSigningKey, startLocalIdp, type LocalIdp, type LocalIdpOptions } from '../../src/dev/local-idp.js';

export { LOCAL_ISSUER, LOCAL_USER_POOL_ID } from '../../src/dev/local-idp.js';

/** The product options; the signing key is always the tests' own, so they can forge with it. */
export type CognitoIdpOptions = Omit<LocalIdpOptions, 'signingKey'>;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Which key signs a forged ID token. */
export type ForgeryKey = 'pool' | 'foreign' | 'none';

export interface CognitoIdp extends LocalIdp {
  /** `signIn` below, for this provider's callback URLs. */
  signIn(authorizeUrl: string | URL, credentials: Credentials, jar?: CookieJar): Promise<URL>;
  /** Signs `claims` as an ID token, by default with the pool's own key. */
  signIdToken(claims: JWTPayload, key?: ForgeryKey): Promise<string>;
  /**
   * A fetch that passes everything through, except that a successful
   * token-endpoint response gets `forge(claims of the real ID token)` as its
   * `id_token` (the code is still redeemed at the real endpoint).
   */
  replaceIdTokens(forge: (claims: JWTPayload) => string | Promise<string>, base?: typeof fetch): typeof fetch;
}

export class SignInRejected extends Error {
  override readonly name = 'SignInRejected';
}

/** A minimal cookie jar for one site: name → value, honouring deletions (Max-Age ≤ 0, past Expires). */
export class CookieJar {
  private readonly values = new Map<string, string>();

  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now());
      if (expired) this.values.delete(name);
      else this.values.set(name, pair.slice(eq + 1).trim());
    }
  }

  /** `name=value` per cookie, as payload 2.0 events list them. */
  pairs(): string[] {
    return [...this.values].map(([name, value]) => `${name}=${value}`);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  header(): string {
    return this.pairs().join('; ');
  }
}

/**
 * An authorization request with PKCE (S256), state `state-1` and nonce
 * `nonce-1` unless `params` says otherwise (undefined leaves a parameter out):
 * the URL a manager would send the browser to, and the verifier it keeps.
 */
export async function authorizationRequest(idpUrl: string, params: Readonly<Record<string, string | undefined>>) {
  const verifier = oauth.generateRandomCodeVerifier();
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    scope: 'openid email profile',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...params,
  };
  const url = new URL(`${idpUrl}/oauth2/authorize`);
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return { url, verifier };
}

/** Follows redirects from `url` as a browser would, storing cookies in `jar`, to the first answer that is not one. */
export async function followRedirects(url: URL, jar: CookieJar): Promise<{ url: URL; response: Response }> {
  let next = url;
  let response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
  while (response.status >= 300 && response.status < 400) {
    jar.store(response.headers.getSetCookie());
    next = new URL(response.headers.get('location')!, next);
    response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
  }
  return { url: next, response };
}

/** Redeems a code at the token endpoint as a public PKCE client; the raw response. */
export function redeemCode(
  tokenEndpoint: string,
  request: { readonly code: string; readonly redirectUri: string; readonly clientId: string; readonly verifier: string },
): Promise<Response> {
  return fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: request.code,
      redirect_uri: request.redirectUri,
      client_id: request.clientId,
      code_verifier: request.verifier,
    }),
  });
}

/**
 * Follows an authorize URL the way a browser would (fetch + cookie jar),
 * signs in on the HTML page when it appears, and returns the URL the
 * provider finally redirects to on one of `callbacks` (with `code` and
 * `state`, or `error`), without requesting it. Pass the same jar again to
 * reuse the provider session (no password asked). Throws SignInRejected when
 * the page refuses the credentials.
 */
export async function signIn(authorizeUrl: string | URL, credentials: Credentials, callbacks: readonly string[], jar = new CookieJar()): Promise<URL> {
  const isCallback = (u: URL): boolean => callbacks.includes(u.origin + u.pathname);
  let next = new URL(authorizeUrl);
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (isCallback(next)) return next;
    const response = await fetch(next, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
    });
    jar.store(response.headers.getSetCookie());
    const location = response.headers.get('location');
    const text = await response.text();
    if (location && response.status >= 300 && response.status < 400) {
      next = new URL(location, next);
      form = undefined;
    } else if (next.pathname.startsWith('/login/') && !form && response.status === 200) {
      form = new URLSearchParams({ username: credentials.username, password: credentials.password });
    } else if (next.pathname.startsWith('/login/') && response.status === 401) {
      throw new SignInRejected(`sign-in refused for ${credentials.username}`);
    } else {
      throw new Error(`sign-in stopped at ${next.pathname} with HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
  }
  throw new Error('sign-in did not reach a callback URL within 20 steps');
}

export async function startCognitoIdp(options: CognitoIdpOptions): Promise<CognitoIdp> {
  const pool = await generateSigningKey();
  // Same kid, different key: the JWKS lookup succeeds and only the signature check can catch it.
  const foreign = await generateSigningKey(pool.jwk.kid);
  const idp = await startLocalIdp({ ...options, signingKey: pool });

  return {
    ...idp,

    signIn: (authorizeUrl, credentials, jar) => signIn(authorizeUrl, credentials, options.redirectUris, jar),

    signIdToken(claims, key = 'pool') {
      if (key === 'none') return Promise.resolve(new UnsecuredJWT(claims).encode());
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: pool.jwk.kid!, typ: 'JWT' })
        .sign(key === 'pool' ? pool.privateKey : foreign.privateKey);
    },

    replaceIdTokens(forge, base = fetch) {
      return async (input, init) => {
        const response = await base(input, init);
        const target = input instanceof Request ? input.url : String(input);
        if (target !== idp.tokenEndpoint || response.status !== 200) return response;
        const body = (await response.json()) as Record<string, unknown>;
        body.id_token = await forge(decodeJwt(String(body.id_token)));
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      };
    },
  };
}
