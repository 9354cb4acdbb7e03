import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBarrierConfig } from '../../../src/config/barrier-config.js';
import { convertAssembly, loadAssembly } from '../../../src/config/from-assembly.js';
import { isCogcfError } from '../../../src/errors.js';
import { ExitCode } from '../../../src/exit-codes.js';

/** A 2019 assembly.yaml with every key the format knows. */
const FULL = `
StacksPrefix: Barrier
CookieName: Barrier
Environment:
  AWSProfile: forge-prod
  Region: eu-central-1
Packaging:
  S3Buckets:
    eu-central-1: forge-artifacts-eu
    us-east-1: forge-artifacts-us
  S3Prefix: barrier/
Cloudfront:
  DomainName: www.example.ch
CognitoUserPool:
  UserPoolId: eu-central-1_AbCdEf123
  DomainName: forge-login
  UserPoolClientProperties:
    ReadAttributes: email, name
    WriteAttributes: name
    SupportedIdentityProviders: COGNITO
`;

/** The smallest assembly: only the keys the conversion needs. */
const minimal = (extra = '', providers?: string) => `
Environment:
  Region: eu-west-1
Cloudfront:
  DomainName: app.example.com
CognitoUserPool:
  UserPoolId: eu-west-1_Pool1
  DomainName: auth.example.com
${providers === undefined ? '' : `  UserPoolClientProperties:\n    SupportedIdentityProviders: ${providers}\n`}${extra}`;

/** The ConfigError a conversion throws, or a failure if it converts. */
function conversionError(text: string): Error & { code: string; exitCode: number; hint?: string } {
  try {
    convertAssembly(text, 'assembly.yaml');
  } catch (e) {
    if (isCogcfError(e)) return e as never;
    throw e;
  }
  throw new Error('expected the conversion to fail');
}

describe('convertAssembly', () => {
  it('converts a full 2019 assembly into a barrier config that validates', () => {
    const { barrierConfig, stackPrefix } = convertAssembly(FULL, 'assembly.yaml');

    expect(stackPrefix).toBe('barrier');
    expect(barrierConfig).toEqual({
      domains: ['www.example.ch'],
      cognito: {
        userPoolId: 'eu-central-1_AbCdEf123',
        domain: 'forge-login.auth.eu-central-1.amazoncognito.com',
      },
      sessionTable: { name: 'barrier-sessions', region: 'eu-central-1' },
    });
    const resolved = parseBarrierConfig(barrierConfig, 'converted');
    expect(resolved.manager.table).toMatchObject({ name: 'barrier-sessions', region: 'eu-central-1' });
    expect(resolved.manager.cognito.identityProvider).toBeUndefined();
    // No client id: the manager stack creates the app client.
    expect(resolved.manager.cognito.clientId).toBe('');
  });

  it('leaves a note for every setting it does not carry over', () => {
    const { notes } = convertAssembly(FULL, 'assembly.yaml');
    const text = notes.join('\n');

    expect(text).toMatch(/CookieName Barrier is not used: .*__Host-cogcf-session/);
    expect(text).toMatch(/not migrated/);
    expect(text).toContain('AWS_PROFILE=forge-prod');
    expect(text).toMatch(/Packaging\.S3Buckets and Packaging\.S3Prefix are not used/);
    expect(text).toMatch(/ReadAttributes and WriteAttributes are not applied/);
    expect(text).toMatch(/BarrierSessionManager and BarrierSessionChecker are left alone/);
  });

  it.each([
    ['a prefix domain becomes the hosted UI host of the pool region', 'my-login', 'my-login.auth.eu-west-1.amazoncognito.com'],
    ['a custom host name stays as it is', 'auth.example.com', 'auth.example.com'],
    ['a full hosted UI host stays as it is', 'x.auth.eu-west-1.amazoncognito.com', 'x.auth.eu-west-1.amazoncognito.com'],
  ])('%s', (_, domain, expected) => {
    const text = minimal().replace('DomainName: auth.example.com', `DomainName: ${domain}`);
    expect(convertAssembly(text, 'a.yaml').barrierConfig.cognito).toMatchObject({ domain: expected });
  });

  it.each([
    ['Barrier', 'barrier'],
    ['My_Barrier.Prod', 'my-barrier-prod'],
    ['2019Barrier', 'barrier'],
    // Cut to the longest prefix --stack-prefix takes.
    [`${'B'.repeat(50)}-x`, 'b'.repeat(44)],
  ])('StacksPrefix %s gives stack prefix %s and table <prefix>-sessions', (raw, prefix) => {
    const { stackPrefix, barrierConfig } = convertAssembly(minimal(`StacksPrefix: ${raw}\n`), 'a.yaml');
    expect(stackPrefix).toBe(prefix);
    expect(barrierConfig.sessionTable).toMatchObject({ name: `${prefix}-sessions` });
  });

  it('uses cogcf as the prefix when StacksPrefix is absent, and says so', () => {
    const { stackPrefix, notes } = convertAssembly(minimal(), 'a.yaml');
    expect(stackPrefix).toBe('cogcf');
    expect(notes.join('\n')).toMatch(/StacksPrefix is not set: the new stacks are cogcf-manager and cogcf-checker, and the table cogcf-sessions/);
  });

  it.each([
    ['a single external provider is named, so the hosted UI skips its choice', 'Google', { identityProvider: 'Google' }, ['Google']],
    ['a comma list stays a choice, in order', 'COGNITO, Google', { identityProviders: ['COGNITO', 'Google'] }, ['COGNITO', 'Google']],
    ['a space list works the same', 'Google COGNITO', { identityProviders: ['Google', 'COGNITO'] }, ['Google', 'COGNITO']],
    ['a YAML list works the same', '[Google, Facebook, COGNITO]', { identityProviders: ['Google', 'Facebook', 'COGNITO'] }, ['Google', 'Facebook', 'COGNITO']],
    ['COGNITO alone leaves the default', 'COGNITO', {}, ['COGNITO']],
  ])('SupportedIdentityProviders: %s', (_, providers, expected, allowed) => {
    const { barrierConfig } = convertAssembly(minimal('', providers), 'a.yaml');
    const { identityProvider, identityProviders } = barrierConfig.cognito as { identityProvider?: string; identityProviders?: string[] };
    expect({ ...(identityProvider && { identityProvider }), ...(identityProviders && { identityProviders }) }).toEqual(expected);
    // What the app client will allow: the same providers as in 2019.
    expect(parseBarrierConfig(barrierConfig, 'converted').appClient.identityProviders).toEqual(allowed);
  });

  it('names every missing required key', () => {
    const e = conversionError('StacksPrefix: Barrier\nCognitoUserPool:\n  UserPoolId: eu-west-1_Pool1\n');
    expect(e).toMatchObject({ code: 'ERR_CONFIG_INVALID', exitCode: ExitCode.Usage });
    expect(e.message).toContain('missing keys: Environment.Region, Cloudfront.DomainName, CognitoUserPool.DomainName');
    expect(e.message).not.toMatch(/missing keys:.*UserPoolId/);
    expect(e.hint).toMatch(/StacksPrefix, CookieName/);
  });

  it('names unknown keys at every level, with their path', () => {
    const e = conversionError(
      minimal('Extra: 1\nCloudfront2:\n  x: y\n').replace('Region: eu-west-1', 'Region: eu-west-1\n  Regoin: eu-west-2'),
    );
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain('unknown keys: Extra, Cloudfront2, Environment.Regoin');
  });

  it('names an unknown key under UserPoolClientProperties but not under S3Buckets (a map of regions)', () => {
    const e = conversionError(
      minimal('Packaging:\n  S3Buckets:\n    eu-west-1: b1\n', 'Google').replace('SupportedIdentityProviders', 'CallbackURLs: x\n    SupportedIdentityProviders'),
    );
    expect(e.message).toContain('unknown keys: CognitoUserPool.UserPoolClientProperties.CallbackURLs');
    expect(e.message).not.toContain('eu-west-1');
  });

  it.each([
    ['a list where one value belongs counts as missing', minimal().replace('DomainName: app.example.com', 'DomainName: [a.example.com, b.example.com]'), /missing keys: Cloudfront\.DomainName/],
    ['a section that is not a mapping', minimal('Packaging: bucket\n'), /Packaging: expected a mapping/],
    ['a file that is not a mapping', '- a\n- b\n', /expected a mapping with StacksPrefix/],
    ['YAML that does not parse', 'Environment: [\n', /is not valid YAML/],
    ['a repeated key', minimal('StacksPrefix: a\nStacksPrefix: b\n'), /is not valid YAML/],
    ['a StacksPrefix with no letter', minimal('StacksPrefix: "2019"\n'), /StacksPrefix: "2019" has no letter/],
  ])('rejects %s', (_, text, message) => {
    const e = conversionError(text);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(message);
  });

  it('reads every value as a string, as the 2019 loader did', () => {
    // YAML's core schema would read `0x1F` as a number and `true` as a boolean.
    const { notes, stackPrefix } = convertAssembly(minimal('CookieName: 0x1F\nStacksPrefix: true\n'), 'a.yaml');
    expect(notes.join('\n')).toContain('CookieName 0x1F is not used');
    expect(stackPrefix).toBe('true');
  });
});

describe('loadAssembly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cogcf-assembly-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads, converts and validates a file', async () => {
    const path = join(dir, 'assembly.yaml');
    await writeFile(path, FULL);
    const { config, stackPrefix } = await loadAssembly(path);
    expect(stackPrefix).toBe('barrier');
    expect(config.manager.origins).toEqual(['https://www.example.ch']);
  });

  it('names the converted field when the converted config is invalid', async () => {
    const path = join(dir, 'bad-pool.yaml');
    await writeFile(path, minimal().replace('eu-west-1_Pool1', 'not-a-pool'));
    await expect(loadAssembly(path)).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/converted from the 2019 assembly format[\s\S]*cognito\.userPoolId/),
    });
  });

  it('names --from-assembly when the file is missing', async () => {
    await expect(loadAssembly(join(dir, 'nope.yaml'))).rejects.toMatchObject({
      code: 'ERR_CONFIG_NOT_FOUND',
      exitCode: ExitCode.Usage,
      hint: expect.stringContaining('--from-assembly'),
    });
  });
});
