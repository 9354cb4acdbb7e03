// From the file users write to the configuration each handler is built with
// (runtime/core/config.ts). Everything derived (origins, issuer, JWKS URL,
// fixed routes) is decided here, once, so the handlers never parse or guess.
import type { CheckerConfig, CognitoConfig, ManagerConfig, TableConfig } from '../../runtime/core/config.js';
import type { BarrierConfig } from './barrier-schema.js';

/** CloudFront routes this prefix to the manager; it is not configurable. */
export const BASE_PATH = '/_identity';
export const LOGIN_PATH = `${BASE_PATH}/login`;
/** A sign-in must finish within this time (the login row's lifetime). */
export const LOGIN_TTL_SECONDS = 600;

/** What the manager stack's app client is made with; no handler needs it. */
export interface AppClientConfig {
  readonly identityProviders: readonly string[];
}

export interface ResolvedConfig {
  readonly checker: CheckerConfig;
  readonly manager: ManagerConfig;
  readonly appClient: AppClientConfig;
}

function resolveCognito(c: BarrierConfig['cognito']): CognitoConfig {
  // The pool id is `<region>_<id>`: validated by the schema.
  const region = c.userPoolId.slice(0, c.userPoolId.indexOf('_'));
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${c.userPoolId}`;
  return {
    region,
    userPoolId: c.userPoolId,
    // Empty when the file has none: the manager stack's app client id then
    // arrives as COGCF_COGNITO_CLIENT_ID (see runtime/manager/index.ts).
    clientId: c.clientId ?? '',
    domainUrl: c.domain,
    issuer,
    jwksUri: c.jwksUri ?? `${issuer}/.well-known/jwks.json`,
    scopes: c.scopes,
    ...(c.identityProvider === undefined ? {} : { identityProvider: c.identityProvider }),
  };
}

/** The listed providers; else the one the manager names; else Cognito's own user names and passwords. */
const identityProvidersOf = (c: BarrierConfig['cognito']): readonly string[] =>
  c.identityProviders ?? (c.identityProvider === undefined ? ['COGNITO'] : [c.identityProvider]);

export function resolveBarrierConfig(config: BarrierConfig): ResolvedConfig {
  const { sessionTable, session, checker } = config;
  const table: TableConfig = {
    name: sessionTable.name,
    region: sessionTable.region,
    ...(sessionTable.endpoint === undefined ? {} : { endpoint: sessionTable.endpoint }),
  };
  const cookie = { name: session.cookieName };
  return {
    checker: {
      table,
      cookie,
      loginPath: LOGIN_PATH,
      cacheTtlSeconds: checker.cacheTtlSeconds,
      negativeCacheTtlSeconds: checker.negativeCacheTtlSeconds,
      cacheMaxEntries: checker.cacheMaxEntries,
      lookupTimeoutMs: checker.lookupTimeoutMs,
      publicPaths: checker.publicPaths,
      allowedGroups: checker.allowedGroups,
      pathRules: checker.pathRules,
    },
    manager: {
      table,
      cookie,
      cognito: resolveCognito(config.cognito),
      origins: config.domains,
      basePath: BASE_PATH,
      sessionTtlSeconds: session.ttlSeconds,
      loginTtlSeconds: LOGIN_TTL_SECONDS,
    },
    appClient: { identityProviders: identityProvidersOf(config.cognito) },
  };
}
