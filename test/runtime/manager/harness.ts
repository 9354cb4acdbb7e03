// The world the session-manager tests run in: dynalite with the session
// table, the local Cognito stand-in, a manager config for two site origins,
// payload 2.0 events, and a "browser" that keeps the site's cookies between
// manager calls.
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ManagerConfig } from '../../../runtime/core/config.js';
import { createDynamoClient, type DynamoClient } from '../../../runtime/core/dynamo.js';
import { SessionTable } from '../../../runtime/core/session-table.js';
import { createManager, type Manager, type ManagerDeps } from '../../../runtime/manager/manager.js';
import { CookieJar, startCognitoIdp, type CognitoIdp, type CognitoIdpOptions } from '../../support/cognito-idp.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';

export const COOKIE = '__Host-cogcf-session';
export const LOGIN_COOKIE = `${COOKIE}-login`;
export const APP = 'https://app.example.com';
export const WWW = 'https://www.example.com';
export const ALICE = { email: 'alice@example.com', password: 'correct horse', groups: ['admins', 'staff'] };
export const BOB = { email: 'bob@example.com', password: 'battery staple' };
/** Signed up on her own and never confirmed her address. */
export const CAROL = { email: 'carol@example.com', password: 'tr0ub4dor', emailVerified: false };

export interface World {
  readonly db: SessionDb;
  readonly idp: CognitoIdp;
  readonly dynamo: DynamoClient;
  readonly table: SessionTable;
  readonly config: ManagerConfig;
  /** A manager on this world; every test may build its own with other deps. */
  manager(deps?: ManagerDeps, config?: Partial<ManagerConfig>): Manager;
  /** Every row of a kind, straight from the table. */
  rows(kind: 'session' | 'login'): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The stand-in the world's manager is configured for; tests may start more like it. */
export const IDP_OPTIONS: CognitoIdpOptions = {
  users: [ALICE, BOB, CAROL],
  clientId: 'local-barrier-client',
  redirectUris: [`${APP}/_identity/auth`, `${WWW}/_identity/auth`],
  logoutUris: [`${APP}/`, `${WWW}/`],
};

export async function startWorld(): Promise<World> {
  const db = await startSessionDb();
  const idp = await startCognitoIdp(IDP_OPTIONS);
  const dynamo = createDynamoClient(db.table, { env: TEST_ENV });
  const sdk = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const config: ManagerConfig = {
    table: db.table,
    cookie: { name: COOKIE },
    cognito: idp.cognitoConfig(),
    origins: [APP, WWW],
    basePath: '/_identity',
    sessionTtlSeconds: 43200,
    loginTtlSeconds: 600,
  };
  return {
    db,
    idp,
    dynamo,
    table: new SessionTable(dynamo, db.table.name),
    config,
    manager: (deps = {}, overrides = {}) => createManager({ ...config, ...overrides }, { db: dynamo, ...deps }),
    async rows(kind) {
      const out = await sdk.send(
        new ScanCommand({
          TableName: db.table.name,
          FilterExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': { S: kind } },
        }),
      );
      return out.Items ?? [];
    },
    async close() {
      sdk.destroy();
      await idp.close();
      await db.close();
    },
  };
}

export interface EventParts {
  readonly cookies?: readonly string[];
  /** Lower-case names; `host` defaults to app.example.com. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A Lambda function URL event (payload format 2.0) for `pathAndQuery`. */
export function httpEvent(method: string, pathAndQuery: string, parts: EventParts = {}): APIGatewayProxyEventV2 {
  const at = pathAndQuery.indexOf('?');
  const rawPath = at === -1 ? pathAndQuery : pathAndQuery.slice(0, at);
  const rawQueryString = at === -1 ? '' : pathAndQuery.slice(at + 1);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(parts.cookies?.length ? { cookies: [...parts.cookies] } : {}),
    headers: { host: 'app.example.com', 'user-agent': 'vitest', ...parts.headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefgh',
      domainName: 'abcdefgh.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefgh',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

export type Result = APIGatewayProxyStructuredResultV2;

export const headerOf = (result: Result, name: string): string | undefined => {
  const value = result.headers?.[name];
  return value === undefined ? undefined : String(value);
};

/** The `Set-Cookie` value a result sends for `name`, if any. */
export const setCookieFor = (result: Result, name: string): string | undefined =>
  result.cookies?.find((c) => c.startsWith(`${name}=`));

/** A browser on one site origin: sends and keeps the cookies the manager sets. */
export class SiteBrowser {
  readonly jar = new CookieJar();
  constructor(
    private readonly manager: Manager,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  async request(method: string, pathAndQuery: string, headers: Readonly<Record<string, string>> = {}): Promise<Result> {
    const result = await this.manager(httpEvent(method, pathAndQuery, { cookies: this.jar.pairs(), headers: { ...this.headers, ...headers } }));
    this.jar.store(result.cookies ?? []);
    return result;
  }
}

export interface SignInRun {
  readonly login: Result;
  /** Where the provider sent the browser back to (code, state, iss). */
  readonly callbackUrl: URL;
  readonly callback: Result;
}

/** Login → provider sign-in → callback, the way a browser would go. */
export async function signInThrough(
  browser: SiteBrowser,
  idp: CognitoIdp,
  returnPath: string | undefined,
  user: { email: string; password: string } = ALICE,
): Promise<SignInRun> {
  const login = await browser.request('GET', returnPath === undefined ? '/_identity/login' : `/_identity/login?path=${encodeURIComponent(returnPath)}`);
  const location = headerOf(login, 'location');
  if (login.statusCode !== 302 || !location) throw new Error(`login did not redirect: ${login.statusCode} ${login.body}`);
  const callbackUrl = await idp.signIn(location, { username: user.email, password: user.password });
  const callback = await browser.request('GET', `/_identity/auth${callbackUrl.search}`);
  return { login, callbackUrl, callback };
}
