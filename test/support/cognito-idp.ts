// A local stand-in for a Cognito user pool's hosted UI: oidc-provider on
// 127.0.0.1 with Cognito's routes, issuer and ID-token claims, a plain HTML
// sign-in page, and Cognito's own `/logout` (client_id + logout_uri, which
// is not OIDC RP-initiated logout). Used by the session-manager tests and by
// the browser sandbox, so it knows nothing about cogcf beyond the client.
//
// Attack tests get two extras: `signIdToken` signs any claims with the pool's
// real key (or a foreign key under the same kid, or no signature at all), and
// `replaceIdTokens` wraps fetch so that token-endpoint responses carry such a
// forgery in place of the real ID token.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import type { CognitoConfig } from '../../runtime/core/config.js';
import { escapeHtml } from '../../runtime/core/html.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_LocalPool`;
/** Cognito's issuer form; the provider claims it while it is served on 127.0.0.1. */
export const LOCAL_ISSUER = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${LOCAL_USER_POOL_ID}`;

export interface IdpUserInput {
  /** Also the user name typed into the sign-in page. */
  readonly email: string;
  readonly password: string;
  readonly groups?: readonly string[];
  /** Default: a random UUID, as Cognito assigns. */
  readonly sub?: string;
  /** The ID token's `email_verified`. Default true; false as for a self-registered user who never confirmed. */
  readonly emailVerified?: boolean;
}

export interface IdpUser {
  readonly sub: string;
  readonly email: string;
  readonly password: string;
  readonly groups: readonly string[];
  readonly emailVerified: boolean;
}

export interface CognitoIdpOptions {
  readonly users: readonly IdpUserInput[];
  /** The public app client (no secret, PKCE S256 required). */
  readonly clientId: string;
  /** The client's callback URLs; exact match, like Cognito. */
  readonly redirectUris: readonly string[];
  /** Allowed `logout_uri` values of `/logout`. */
  readonly logoutUris: readonly string[];
  /**
   * Whether redirects to the client carry `iss` (RFC 9207). Default true,
   * as oidc-provider does; false as Cognito may answer.
   */
  readonly authorizationResponseIss?: boolean;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Which key signs a forged ID token. */
export type ForgeryKey = 'pool' | 'foreign' | 'none';

/** A `/logout` call the provider accepted. */
export interface LogoutRecord {
  readonly clientId: string;
  readonly logoutUri: string;
}

export interface CognitoIdp {
  /** Where it listens, e.g. `http://127.0.0.1:41234`: the hosted-UI "domain". */
  readonly url: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly clientId: string;
  readonly users: readonly IdpUser[];
  /** `/logout` calls accepted so far, oldest first. */
  readonly logouts: readonly LogoutRecord[];
  /** The `cognito` part of a manager config pointing at this provider. */
  cognitoConfig(scopes?: readonly string[]): CognitoConfig;
  /**
   * Follows an authorize URL the way a browser would (fetch + cookie jar),
   * signs in on the HTML page when it appears, and returns the URL the
   * provider finally redirects to on one of the client's callback URLs
   * (with `code` and `state`, or `error`), without requesting it. Pass the
   * same jar again to reuse the provider session (no password asked).
   * Throws SignInRejected when the page refuses the credentials.
   */
  signIn(authorizeUrl: string | URL, credentials: Credentials, jar?: CookieJar): Promise<URL>;
  /** Signs `claims` as an ID token, by default with the pool's own key. */
  signIdToken(claims: JWTPayload, key?: ForgeryKey): Promise<string>;
  /**
   * A fetch that passes everything through, except that a successful
   * token-endpoint response gets `forge(claims of the real ID token)` as its
   * `id_token` (the code is still redeemed at the real endpoint).
   */
  replaceIdTokens(forge: (claims: JWTPayload) => string | Promise<string>, base?: typeof fetch): typeof fetch;
  close(): Promise<void>;
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


function loginPage(uid: string, message?: string): string {
  return (
    '<!doctype html><meta charset=utf-8><title>Sign in</title><h1>Sign in</h1>' +
    (message ? `<p role=alert>${escapeHtml(message)}</p>` : '') +
    `<form method=post action="/login/${escapeHtml(uid)}">` +
    '<p><label for=username>Username</label> <input id=username name=username autocomplete=username></p>' +
    '<p><label for=password>Password</label> <input id=password name=password type=password autocomplete=current-password></p>' +
    '<p><button type=submit>Sign in</button></p></form>'
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function signingKey(kid: string) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, jwk };
}

export async function startCognitoIdp(options: CognitoIdpOptions): Promise<CognitoIdp> {
  const users: IdpUser[] = options.users.map((u) => ({
    sub: u.sub ?? randomUUID(),
    email: u.email,
    password: u.password,
    groups: u.groups ?? [],
    emailVerified: u.emailVerified ?? true,
  }));
  const kid = 'local-pool-key';
  const pool = await signingKey(kid);
  // Same kid, different key: the JWKS lookup succeeds and only the signature check can catch it.
  const foreign = await signingKey(kid);
  const logouts: LogoutRecord[] = [];

  const provider = new Provider(LOCAL_ISSUER, {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [...options.redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [pool.jwk] },
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/oauth2/userInfo',
      jwks: '/.well-known/jwks.json',
    },
    responseTypes: ['code'],
    // Cognito's lifetimes: codes 5 min, tokens and the hosted-UI session 1 h.
    ttl: { AuthorizationCode: 300, AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    pkce: { required: () => true },
    extraParams: ['identity_provider'],
    // Cognito puts email and groups into the ID token itself.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    cookies: { keys: ['cognito-idp-local-cookie-key'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/login/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = users.find((u) => u.sub === sub);
      return (
        user && {
          accountId: user.sub,
          claims: (use: string) => ({
            sub: user.sub,
            email: user.email,
            email_verified: user.emailVerified,
            'cognito:username': user.sub,
            ...(user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {}),
            ...(use === 'id_token' ? { token_use: 'id' } : {}),
          }),
        }
      );
    },
    // No consent screen: Cognito has none for the pool's own clients.
    loadExistingGrant: async (ctx: {
      oidc: {
        provider: Provider;
        client: { clientId: string };
        session: { accountId: string; grantIdFor(clientId: string): string | undefined };
        result?: { consent?: { grantId?: string } };
        params: { scope?: string };
      };
    }) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope(oidc.params.scope ?? 'openid');
      await grant.save();
      return grant;
    },
  });
  const providerCallback = provider.callback();

  async function loginRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const interaction = await provider.interactionDetails(req, res);
    const send = (status: number, html: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    };
    if (req.method !== 'POST') return send(200, loginPage(interaction.uid));
    const form = await readForm(req);
    const user = users.find((u) => u.email === form.get('username') && u.password === form.get('password'));
    if (!user) return send(401, loginPage(interaction.uid, 'Incorrect username or password.'));
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  // Cognito's /logout: client_id + a registered logout_uri, then an immediate redirect.
  async function logoutRoute(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const clientId = query.get('client_id') ?? '';
    const logoutUri = query.get('logout_uri') ?? '';
    if (clientId !== options.clientId || !options.logoutUris.includes(logoutUri)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Invalid request: client_id or logout_uri');
      return;
    }
    const ctx = provider.createContext(req, res);
    await (await provider.Session.get(ctx)).destroy();
    ctx.cookies.set('_session', null);
    logouts.push({ clientId, logoutUri });
    res.writeHead(302, { location: logoutUri }).end();
  }

  const server = createServer((req, res) => {
    if (options.authorizationResponseIss === false) dropIssFromCallbackRedirects(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.startsWith('/login/')
      ? loginRoute(req, res)
      : url.pathname === '/logout'
        ? logoutRoute(req, res, url.searchParams)
        : undefined;
    if (!route) return providerCallback(req, res);
    route.catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`Error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUri = `${url}/.well-known/jwks.json`;
  const tokenEndpoint = `${url}/oauth2/token`;
  const isCallback = (u: URL): boolean => options.redirectUris.includes(u.origin + u.pathname);

  // oidc-provider always adds `iss` (success and error alike), so it comes
  // out of the Location header on the way to the browser.
  function dropIssFromCallbackRedirects(res: ServerResponse): void {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => {
      const target = name.toLowerCase() === 'location' && typeof value === 'string' ? new URL(value, url) : undefined;
      if (!target || !isCallback(target)) return setHeader(name, value);
      target.searchParams.delete('iss');
      return setHeader(name, target.href);
    };
  }

  return {
    url,
    issuer: LOCAL_ISSUER,
    jwksUri,
    clientId: options.clientId,
    users,
    logouts,

    cognitoConfig: (scopes = ['openid', 'email', 'profile']) => ({
      region: LOCAL_REGION,
      userPoolId: LOCAL_USER_POOL_ID,
      clientId: options.clientId,
      domainUrl: url,
      issuer: LOCAL_ISSUER,
      jwksUri,
      scopes,
    }),

    async signIn(authorizeUrl, credentials, jar = new CookieJar()) {
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
    },

    signIdToken(claims, key = 'pool') {
      if (key === 'none') return Promise.resolve(new UnsecuredJWT(claims).encode());
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(key === 'pool' ? pool.privateKey : foreign.privateKey);
    },

    replaceIdTokens(forge, base = fetch) {
      return async (input, init) => {
        const response = await base(input, init);
        const target = input instanceof Request ? input.url : String(input);
        if (target !== tokenEndpoint || response.status !== 200) return response;
        const body = (await response.json()) as Record<string, unknown>;
        body.id_token = await forge(decodeJwt(String(body.id_token)));
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      };
    },

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
