// A local stand-in for a Cognito user pool's hosted UI, run by `cogcf dev`
// (and by the tests): oidc-provider on 127.0.0.1 with Cognito's routes,
// issuer and ID-token claims (`cognito:groups` included), a sign-in page,
// and Cognito's own `/logout` (client_id + logout_uri, which is not OIDC
// RP-initiated logout). It knows nothing about cogcf beyond the app client.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { CognitoConfig } from '../../runtime/core/config.js';
import { errorPage, loginPage, PAGE_HEADERS, sendPage } from './local-idp-page.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_LocalPool`;
/** Cognito's issuer form; the provider claims it while it is served on 127.0.0.1. */
export const LOCAL_ISSUER = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${LOCAL_USER_POOL_ID}`;
export const LOCAL_KEY_ID = 'local-pool-key';
export const WRONG_CREDENTIALS_MESSAGE = 'Incorrect username or password.';

export interface LocalIdpUserInput {
  /** Also the user name typed into the sign-in page. */
  readonly email: string;
  readonly password: string;
  readonly groups?: readonly string[];
  /** Default: a random UUID, as Cognito assigns. */
  readonly sub?: string;
  /** The ID token's `email_verified`. Default true; false as for a self-registered user who never confirmed. */
  readonly emailVerified?: boolean;
}

export interface LocalIdpUser {
  readonly sub: string;
  readonly email: string;
  readonly password: string;
  readonly groups: readonly string[];
  readonly emailVerified: boolean;
}

/** The pool's ID-token signing key. */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  /** The private JWK (with `kid`, `alg`, `use`); the provider publishes only its public part. */
  readonly jwk: JWK;
}

export interface LocalIdpOptions {
  readonly users: readonly LocalIdpUserInput[];
  /** The public app client (no secret, PKCE S256 required). */
  readonly clientId: string;
  /** Shown on the sign-in page ("to continue to …"). Default: the client id. */
  readonly clientName?: string;
  /** The client's callback URLs; exact match, like Cognito. */
  readonly redirectUris: readonly string[];
  /** Allowed `logout_uri` values of `/logout`. */
  readonly logoutUris: readonly string[];
  /** Port on 127.0.0.1; default 0 (a free one). A port in use rejects with the listen error (`code: 'EADDRINUSE'`). */
  readonly port?: number;
  /** Default: a fresh RS256 key under LOCAL_KEY_ID. Tests pass their own to forge tokens with it. */
  readonly signingKey?: SigningKey;
  /**
   * Whether redirects to the client carry `iss` (RFC 9207). Default true,
   * as oidc-provider does; false as Cognito may answer.
   */
  readonly authorizationResponseIss?: boolean;
}

/** A `/logout` call the provider accepted. */
export interface LogoutRecord {
  readonly clientId: string;
  readonly logoutUri: string;
}

export interface LocalIdp {
  /** Where it listens, e.g. `http://127.0.0.1:41234`: the hosted-UI "domain". */
  readonly url: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly users: readonly LocalIdpUser[];
  /** `/logout` calls accepted so far, oldest first. */
  readonly logouts: readonly LogoutRecord[];
  /** The `cognito` part of a manager config pointing at this provider. */
  cognitoConfig(scopes?: readonly string[]): CognitoConfig;
  close(): Promise<void>;
}

export async function generateSigningKey(kid = LOCAL_KEY_ID): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

// oidc-provider 9 supports Node 22+ and says so with console.warn when it is
// loaded on Node 20 (what we use works there), and warns again about its
// in-memory store, which is what a throwaway local provider wants. Both are
// dropped while it loads and starts so `cogcf dev` prints only its own lines;
// any other warning still shows. It is loaded on first use, never at import,
// so other commands do not load it at all.
const EXPECTED_WARNINGS = ['WARNING: Unsupported runtime', 'WARNING: a quick start development-only in-memory adapter'];

async function withoutExpectedWarnings<T>(work: () => T | Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!EXPECTED_WARNINGS.some((w) => String(args[0]).includes(w))) warn.apply(console, args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}

let providerClass: Promise<typeof Provider> | undefined;
const loadProvider = (): Promise<typeof Provider> =>
  (providerClass ??= withoutExpectedWarnings(async () => (await import('oidc-provider')).default));

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

interface ProviderContext {
  oidc: {
    provider: Provider;
    client: { clientId: string };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    params: { scope?: string };
  };
}

export async function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const users: LocalIdpUser[] = options.users.map((u) => ({
    sub: u.sub ?? randomUUID(),
    email: u.email,
    password: u.password,
    groups: u.groups ?? [],
    emailVerified: u.emailVerified ?? true,
  }));
  const signingKey = options.signingKey ?? (await generateSigningKey());
  const clientName = options.clientName ?? options.clientId;
  const logouts: LogoutRecord[] = [];
  const Provider = await loadProvider();

  const provider = await withoutExpectedWarnings(
    () =>
      new Provider(LOCAL_ISSUER, {
        clients: [
          {
            client_id: options.clientId,
            token_endpoint_auth_method: 'none',
            redirect_uris: [...options.redirectUris],
            response_types: ['code'],
            grant_types: ['authorization_code'],
          },
        ],
        jwks: { keys: [signingKey.jwk] },
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
        // Fresh per start: the provider's sessions live in memory and die with it anyway.
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
        interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/login/${interaction.uid}` },
        renderError: (ctx: { type: string; body: string; set(headers: Record<string, string>): void }, out: { error: string; error_description?: string }) => {
          ctx.set({ ...PAGE_HEADERS });
          ctx.type = 'html';
          ctx.body = errorPage(out.error, out.error_description);
        },
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
        loadExistingGrant: async ({ oidc }: ProviderContext) => {
          const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
          if (grantId) return oidc.provider.Grant.find(grantId);
          const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
          grant.addOIDCScope(oidc.params.scope ?? 'openid');
          await grant.save();
          return grant;
        },
      }),
  );
  const providerCallback = provider.callback();

  async function loginRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { uid } = await provider.interactionDetails(req, res);
    if (req.method !== 'POST') return sendPage(res, 200, loginPage({ uid, clientName }));
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const user = users.find((u) => u.email === username && u.password === form.get('password'));
    if (!user) return sendPage(res, 401, loginPage({ uid, clientName, message: WRONG_CREDENTIALS_MESSAGE, username }));
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  // Cognito's /logout: client_id + a registered logout_uri, then an immediate redirect.
  async function logoutRoute(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const clientId = query.get('client_id') ?? '';
    const logoutUri = query.get('logout_uri') ?? '';
    if (clientId !== options.clientId || !options.logoutUris.includes(logoutUri)) {
      return sendPage(res, 400, errorPage('invalid_request', 'client_id or logout_uri is not registered'));
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
    // An expired or unknown sign-in (an old tab, a restarted sandbox) lands here.
    route.catch((e: unknown) => {
      if (res.headersSent) res.end();
      else sendPage(res, 400, errorPage(e instanceof Error ? e.message : String(e)));
    });
  });
  const port = await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  const jwksUri = `${url}/.well-known/jwks.json`;
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
    tokenEndpoint: `${url}/oauth2/token`,
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

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
