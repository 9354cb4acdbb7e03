import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBarrierConfig, parseBarrierConfig } from '../../../src/config/barrier-config.js';
import { isCogcfError } from '../../../src/errors.js';
import { ExitCode } from '../../../src/exit-codes.js';

const EXAMPLE = 'templates/barrier.example.json';

/** The smallest valid file: only the required fields. */
const minimal = () => ({
  domains: ['app.example.com'],
  cognito: {
    userPoolId: 'eu-west-1_AbCdEf123',
    clientId: '1example23456789abcdefghij',
    domain: 'my-barrier.auth.eu-west-1.amazoncognito.com',
  },
  sessionTable: { name: 'cogcf-sessions', region: 'eu-west-1' },
});

type Json = Record<string, unknown>;

/** A copy of `base` with the value at a dotted path replaced (`undefined` deletes it). */
function withField(base: Json, path: string, value: unknown): Json {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let node: Json = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Json;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The error a bad config gives; fails the test if it is accepted. */
function rejection(value: unknown): { code: string; message: string; exitCode: number } {
  try {
    parseBarrierConfig(value, 'test.json');
  } catch (e) {
    if (!isCogcfError(e)) throw e;
    return e;
  }
  throw new Error(`accepted: ${JSON.stringify(value)}`);
}

describe('a valid config', () => {
  it('resolves the example file into the checker and manager configs', async () => {
    const { checker, manager } = await loadBarrierConfig(EXAMPLE);
    const table = { name: 'cogcf-sessions', region: 'eu-west-1' };
    const cookie = { name: '__Host-cogcf-session' };
    expect(checker).toEqual({
      table,
      cookie,
      loginPath: '/_identity/login',
      cacheTtlSeconds: 30,
      negativeCacheTtlSeconds: 5,
      cacheMaxEntries: 10000,
      lookupTimeoutMs: 2000,
      publicPaths: ['/favicon.ico', '/assets/*'],
      allowedGroups: [],
      pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }],
    });
    expect(manager).toEqual({
      table,
      cookie,
      cognito: {
        region: 'eu-west-1',
        userPoolId: 'eu-west-1_AbCdEf123',
        clientId: '1example23456789abcdefghij',
        domainUrl: 'https://my-barrier.auth.eu-west-1.amazoncognito.com',
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
        scopes: ['openid', 'email', 'profile'],
        identityProvider: 'Google',
      },
      origins: ['https://app.example.com', 'https://d111111abcdef8.cloudfront.net'],
      basePath: '/_identity',
      sessionTtlSeconds: 43200,
      loginTtlSeconds: 600,
    });
  });

  it('fills in every default when only the required fields are given', () => {
    const { checker, manager } = parseBarrierConfig(minimal(), 'test.json');
    expect(checker.cookie.name).toBe('__Host-cogcf-session');
    expect(manager.sessionTtlSeconds).toBe(43200);
    expect(manager.cognito.scopes).toEqual(['openid', 'email', 'profile']);
    expect(manager.cognito).not.toHaveProperty('identityProvider');
    expect(checker.table).not.toHaveProperty('endpoint');
    expect(checker).toMatchObject({
      cacheTtlSeconds: 30,
      negativeCacheTtlSeconds: 5,
      cacheMaxEntries: 10000,
      lookupTimeoutMs: 2000,
      publicPaths: [],
      allowedGroups: [],
      pathRules: [],
    });
  });

  it('lets the app client allow a list of providers, one named provider, or Cognito users by default', () => {
    const providers = (cognito: Record<string, unknown>) =>
      parseBarrierConfig(withField(minimal(), 'cognito', { ...(minimal().cognito as object), ...cognito }), 'test.json').appClient.identityProviders;
    expect(providers({})).toEqual(['COGNITO']);
    expect(providers({ identityProvider: 'Google' })).toEqual(['Google']);
    expect(providers({ identityProviders: ['Google', 'COGNITO'] })).toEqual(['Google', 'COGNITO']);
    expect(providers({ identityProviders: ['Google', 'COGNITO'], identityProvider: 'COGNITO' })).toEqual(['Google', 'COGNITO']);
  });

  it('refuses an identityProvider the app client would not allow', () => {
    const config = withField(withField(minimal(), 'cognito.identityProviders', ['COGNITO', 'Okta']), 'cognito.identityProvider', 'Google');
    expect(rejection(config).message).toContain('cognito.identityProvider: expected one of identityProviders (COGNITO, Okta), got "Google"');
  });

  it('accepts a file without cognito.clientId (for deploy, whose stack makes the client), resolving it to empty', () => {
    const { manager } = parseBarrierConfig(withField(minimal(), 'cognito.clientId', undefined), 'test.json');
    expect(manager.cognito.clientId).toBe('');
  });

  it('accepts the local overrides the tests and the sandbox use', () => {
    let config = withField(minimal(), 'domains', ['http://127.0.0.1:8080', 'http://localhost:3000', 'APP.Example.com']);
    config = withField(config, 'cognito.domain', 'http://127.0.0.1:4000');
    config = withField(config, 'cognito.userPoolId', 'us-east-1_LocalPool');
    config = withField(config, 'cognito.jwksUri', 'http://127.0.0.1:4000/.well-known/jwks.json');
    config = withField(config, 'sessionTable.endpoint', 'http://127.0.0.1:8000/');
    const { checker, manager } = parseBarrierConfig(config, 'test.json');
    expect(manager.origins).toEqual(['http://127.0.0.1:8080', 'http://localhost:3000', 'https://app.example.com']);
    expect(manager.cognito.domainUrl).toBe('http://127.0.0.1:4000');
    expect(manager.cognito.issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool');
    expect(manager.cognito.jwksUri).toBe('http://127.0.0.1:4000/.well-known/jwks.json');
    expect(checker.table.endpoint).toBe('http://127.0.0.1:8000');
    expect(manager.table).toEqual(checker.table);
  });

  it('writes a local origin the way browsers send it', () => {
    const { manager } = parseBarrierConfig(withField(minimal(), 'domains', ['http://localhost:80']), 'test.json');
    expect(manager.origins).toEqual(['http://localhost']);
  });

  it.each([
    ['the smallest session lifetime', 'session.ttlSeconds', 300],
    ['the longest session lifetime', 'session.ttlSeconds', 2_592_000],
    ['no positive cache', 'checker.cacheTtlSeconds', 0],
    ['the longest cache', 'checker.cacheTtlSeconds', 300],
    ['the shortest lookup budget', 'checker.lookupTimeoutMs', 100],
    ['the longest lookup budget', 'checker.lookupTimeoutMs', 4000],
    ['a GovCloud pool', 'cognito.userPoolId', 'us-gov-west-1_AbC123'],
    ['a custom hosted UI domain', 'cognito.domain', 'auth.example.com'],
    ['a custom cookie name', 'session.cookieName', '__Host-my_app.session'],
    ['a rule that opens a sub-path to every signed-in user', 'checker.pathRules', [{ prefix: '/docs/', allowedGroups: [] }]],
    ['an extra scope', 'cognito.scopes', ['openid', 'email', 'aws.cognito.signin.user.admin']],
  ])('accepts %s', (_, path, value) => {
    expect(() => parseBarrierConfig(withField(minimal(), path, value), 'test.json')).not.toThrow();
  });
});

describe('a bad config', () => {
  // [field as named in the error, value (undefined = missing), what the message must say]
  const cases: [string, unknown, string][] = [
    ['domains', undefined, 'is required'],
    ['domains', [], 'at least one domain'],
    ['domains', 'app.example.com', 'expected a list of domains'],
    ['domains[0]', 'https://app.example.com', 'no scheme'],
    ['domains[0]', 'app.example.com/path', 'no scheme, port or path'],
    ['domains[0]', 'app.example.com:8443', 'host name'],
    ['domains[0]', '*.example.com', 'host name'],
    ['domains[0]', 'localhost', 'http://localhost:<port>'],
    ['domains[0]', '203.0.113.7', 'host name'],
    ['domains[0]', 'http://203.0.113.7:8080', 'host name'],
    ['domains[0]', 'http://example.com', 'host name'],
    ['domains[0]', 'https://127.0.0.1:8443', 'host name'],
    ['domains[0]', 'http://127.0.0.1:0', 'host name'],
    ['domains[0]', 'http://127.0.0.1:65536', 'host name'],
    ['domains[0]', '-app.example.com', 'host name'],
    ['domains[0]', 42, 'got 42'],
    ['cognito', undefined, 'is required'],
    ['cognito.userPoolId', undefined, 'is required'],
    ['cognito.userPoolId', 'AbCdEf123', '"<region>_<id>"'],
    ['cognito.userPoolId', 'eu-west-1-AbCdEf123', '"<region>_<id>"'],
    ['cognito.userPoolId', 'europe_AbCdEf123', '"<region>_<id>"'],
    ['cognito.userPoolId', 'eu-west-1_Ab-Cd', '"<region>_<id>"'],
    ['cognito.clientId', '', 'app client id'],
    ['cognito.clientId', 'abc def', 'app client id'],
    ['cognito.domain', 'my-barrier', 'hosted UI host name'],
    ['cognito.domain', 'https://my-barrier.auth.eu-west-1.amazoncognito.com', 'no https://'],
    ['cognito.domain', 'auth.example.com/login', 'no path'],
    ['cognito.domain', 'http://auth.example.com', 'hosted UI host name'],
    ['cognito.scopes', ['email'], 'includes "openid"'],
    ['cognito.scopes', ['openid', 'openid'], '"openid" repeats'],
    ['cognito.scopes[0]', 'e mail', 'OAuth scope'],
    ['cognito.scopes', 'openid', 'list of scopes'],
    ['cognito.identityProvider', '', 'identity provider'],
    ['cognito.identityProvider', 'My Provider', 'no spaces'],
    ['cognito.identityProvider', 'x'.repeat(33), '1 to 32'],
    ['cognito.identityProviders', [], 'at least one identity provider'],
    ['cognito.identityProviders', ['Google', 'Google'], '"Google" repeats'],
    ['cognito.identityProviders[0]', 'My Provider', 'no spaces'],
    ['cognito.jwksUri', 'http://idp.example.com/jwks', 'https://'],
    ['cognito.jwksUri', 'not a url', 'https://'],
    ['cognito.jwksUri', 'https://user:pw@idp.example.com/jwks', 'https://'],
    ['cognito.userpoolid', 'eu-west-1_AbCdEf123', 'unknown key (known keys: userPoolId, clientId'],
    ['sessionTable', undefined, 'is required'],
    ['sessionTable.name', 'ab', 'DynamoDB table name'],
    ['sessionTable.name', 'my table', 'DynamoDB table name'],
    ['sessionTable.name', 'x'.repeat(256), 'DynamoDB table name'],
    ['sessionTable.region', 'Ireland', 'AWS region'],
    ['sessionTable.region', 'eu-west', 'AWS region'],
    ['sessionTable.region', undefined, 'is required'],
    ['sessionTable.endpoint', 'http://dynamodb.eu-west-1.amazonaws.com', 'origin'],
    ['sessionTable.endpoint', 'https://dynamodb.eu-west-1.amazonaws.com/v1', 'no path'],
    ['sessionTable.endpoint', 'http://127.0.0.1:8000/?x=1', 'no path'],
    ['sessionTable.tableName', 'x', 'unknown key'],
    ['session', 'long', 'expected an object'],
    ['session.cookieName', 'cogcf-session', 'starts with __Host-'],
    ['session.cookieName', '__Secure-cogcf', 'starts with __Host-'],
    ['session.cookieName', '__Host-', 'starts with __Host-'],
    ['session.cookieName', '__Host-a;b', 'starts with __Host-'],
    ['session.cookieName', '__Host-a=b', 'starts with __Host-'],
    ['session.cookieName', `__Host-${'a'.repeat(58)}`, 'at most 64'],
    ['session.ttlSeconds', 299, 'from 300 to 2,592,000'],
    ['session.ttlSeconds', 2_592_001, 'from 300 to 2,592,000'],
    ['session.ttlSeconds', 3600.5, 'whole number'],
    ['session.ttlSeconds', '3600', 'got "3600"'],
    ['session.ttl', 3600, 'unknown key (known keys: cookieName, ttlSeconds)'],
    ['checker.cacheTtlSeconds', -1, 'from 0 to 300'],
    ['checker.cacheTtlSeconds', 301, 'from 0 to 300'],
    ['checker.negativeCacheTtlSeconds', 301, 'from 0 to 300'],
    ['checker.cacheMaxEntries', 0, 'from 1 to 50,000'],
    ['checker.cacheMaxEntries', 50_001, 'from 1 to 50,000'],
    ['checker.lookupTimeoutMs', 99, 'from 100 to 4,000'],
    ['checker.lookupTimeoutMs', 5000, 'from 100 to 4,000'],
    ['checker.publicPaths[0]', 'favicon.ico', 'starts with /'],
    ['checker.publicPaths[0]', '/*', 'whole site public'],
    ['checker.publicPaths[0]', '/**', 'whole site public'],
    ['checker.publicPaths[0]', '/page?x=1', 'no ? or #'],
    ['checker.publicPaths[0]', '/a b', 'visible ASCII'],
    ['checker.publicPaths[0]', '/café', 'visible ASCII'],
    ['checker.publicPaths', ['/a', '/a'], '"/a" repeats'],
    ['checker.allowedGroups[0]', 'a b', 'group name'],
    ['checker.allowedGroups[0]', '', 'group name'],
    ['checker.allowedGroups', ['admins', 'admins'], '"admins" repeats'],
    ['checker.pathRules[0].prefix', 'admin/', 'starts with /'],
    ['checker.pathRules[0].prefix', '/admin/*', 'not a glob'],
    ['checker.pathRules[0].allowedGroups', undefined, 'is required'],
    ['checker.pathRules[0].groups', ['admins'], 'unknown key (known keys: prefix, allowedGroups)'],
    ['checker.pathRules', [{ prefix: '/a/', allowedGroups: ['x'] }, { prefix: '/a/', allowedGroups: ['y'] }], '"/a/" repeats'],
    ['checker.publicPath', ['/a'], 'unknown key (known keys: cacheTtlSeconds'],
    ['checkers', {}, 'unknown key (known keys: domains, cognito, sessionTable, session, checker)'],
  ];

  /** Builds the file for a case: `x[0].y` paths put the value inside a one-element list. */
  function configWith(field: string, value: unknown): Json {
    const list = /^(.*)\[0\](?:\.(.*))?$/.exec(field);
    if (list === null) return withField(minimal(), field, value);
    const [, listPath, itemKey] = list as unknown as [string, string, string | undefined];
    if (itemKey === undefined) return withField(minimal(), listPath, [value]);
    const item = withField({ prefix: '/admin/', allowedGroups: ['admins'] }, itemKey, value);
    return withField(minimal(), listPath, [item]);
  }

  it.each(cases)('%s = %j is rejected, naming the field', (field, value, says) => {
    const e = rejection(configWith(field, value));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.exitCode).toBe(ExitCode.Usage);
    const line = e.message.split('\n').find((l) => l.trimStart().startsWith(`${field}: `));
    expect(line, e.message).toBeDefined();
    expect(line).toContain(says);
  });

  it('reports every bad field at once', () => {
    let config = withField(minimal(), 'cognito.userPoolId', 'nope');
    config = withField(config, 'sessionTable.region', 'nope');
    config = withField(config, 'session.ttlSeconds', 1);
    const lines = rejection(config).message.split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(':')[0])).toEqual(['cognito.userPoolId', 'sessionTable.region', 'session.ttlSeconds']);
  });

  it.each([[null], ['text'], [42]])('rejects %j as the whole file', (value) => {
    expect(rejection(value).message).toContain('(the whole file): expected a JSON object');
  });

  it('cuts a long bad value short in the message', () => {
    const message = rejection(withField(minimal(), 'sessionTable.name', 'x'.repeat(1000))).message;
    expect(message).toMatch(/got "x+…/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('loadBarrierConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cogcf-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function loadError(text: string | undefined): Promise<{ code: string; message: string; exitCode: number }> {
    const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    if (text !== undefined) await writeFile(path, text);
    return loadBarrierConfig(path).then(
      () => {
        throw new Error('accepted');
      },
      (e: unknown) => {
        if (!isCogcfError(e)) throw e;
        return e;
      },
    );
  }

  it('names a missing file (exit 2)', async () => {
    const e = await loadError(undefined);
    expect(e.code).toBe('ERR_CONFIG_NOT_FOUND');
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(dir);
  });

  it('rejects a directory as unreadable (exit 2)', async () => {
    const e = await loadBarrierConfig(dir).catch((x: unknown) => x as { code: string; exitCode: number });
    expect(e).toMatchObject({ code: 'ERR_CONFIG_UNREADABLE', exitCode: ExitCode.Usage });
  });

  it('rejects JSON with comments or trailing commas (exit 2)', async () => {
    for (const text of ['{ // comment\n}', '{ "domains": [], }']) {
      const e = await loadError(text);
      expect(e.code).toBe('ERR_CONFIG_INVALID_JSON');
      expect(e.exitCode).toBe(ExitCode.Usage);
    }
  });

  it('says where in the file the JSON breaks, when the parser gives a position', async () => {
    const e = await loadError('{\n  "domains": ["a.example.com"]\n  "cognito": {}\n}');
    expect(e.message).toMatch(/line 3/);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, '\uFEFF' + JSON.stringify(minimal()));
    await expect(loadBarrierConfig(path)).resolves.toHaveProperty('checker');
  });
});
