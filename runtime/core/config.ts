// The configuration both handlers are built with. `cogcf bundle` validates the
// user's barrier config file (src/config/) and bakes the resolved form below
// into each bundle, because Lambda@Edge has no environment variables.
// Nothing in here is secret: the app client is public (PKCE) and the checker
// signs its DynamoDB calls with the Lambda role's own credentials.

/** Where the session table lives. `endpoint` is for local DynamoDB stand-ins only. */
export interface TableConfig {
  readonly name: string;
  readonly region: string;
  /** e.g. `http://127.0.0.1:8000`; default `https://dynamodb.<region>.amazonaws.com`. */
  readonly endpoint?: string;
}

/** A path prefix that needs membership of one of `allowedGroups`. */
export interface PathRule {
  readonly prefix: string;
  readonly allowedGroups: readonly string[];
}

export interface CookieConfig {
  /** The session cookie; the login cookie is `<name>-login`. */
  readonly name: string;
}

export interface CheckerConfig {
  readonly table: TableConfig;
  readonly cookie: CookieConfig;
  /** Path of the manager's login route, e.g. `/_identity/login`. */
  readonly loginPath: string;
  /** Longest time a revoked session can still pass in one container. */
  readonly cacheTtlSeconds: number;
  /** How long an unknown or invalid session id is remembered as such. */
  readonly negativeCacheTtlSeconds: number;
  readonly cacheMaxEntries: number;
  /** Budget for one DynamoDB read, well inside the 5 s viewer-request limit. */
  readonly lookupTimeoutMs: number;
  /** Globs (`*` = any run of characters) that pass without a session. */
  readonly publicPaths: readonly string[];
  /** Any-of; empty means every signed-in user. */
  readonly allowedGroups: readonly string[];
  readonly pathRules: readonly PathRule[];
}

/** The Cognito user pool, its hosted-UI domain and the barrier's app client. */
export interface CognitoConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** Origin of the hosted UI, e.g. `https://auth.example.com` or `https://x.auth.eu-west-1.amazoncognito.com`. */
  readonly domainUrl: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuer: string;
  /** `<issuer>/.well-known/jwks.json` unless overridden for a local identity provider. */
  readonly jwksUri: string;
  readonly scopes: readonly string[];
  /** Sent as `identity_provider` to skip the hosted UI's provider choice. */
  readonly identityProvider?: string;
}

export interface ManagerConfig {
  readonly table: TableConfig;
  readonly cookie: CookieConfig;
  readonly cognito: CognitoConfig;
  /** Origins the site is served on, e.g. `https://app.example.com`; the first is the default. */
  readonly origins: readonly string[];
  /** The prefix CloudFront routes to the manager, `/_identity`. */
  readonly basePath: string;
  readonly sessionTtlSeconds: number;
  readonly loginTtlSeconds: number;
}
