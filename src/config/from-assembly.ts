// Converts the 2019 barrier's `assembly.yaml` (prior-art notes §3.4) into a
// barrier config, so `cogcf deploy --from-assembly` can replace its
// `deploy -f assembly.yaml`. The 2019 loader read every value as a string
// (YAML BaseLoader); the failsafe schema does the same here. Settings cogcf
// does differently are not carried over: each one becomes a note for the user.
import { readFile } from 'node:fs/promises';
import { parse, YAMLError } from 'yaml';
import { DEFAULT_STACK_PREFIX, MAX_STACK_PREFIX_LENGTH } from '../deploy/stack-prefix.js';
import { ConfigError } from '../errors.js';
import { parseBarrierConfig } from './barrier-config.js';
import type { ResolvedConfig } from './resolve-config.js';

export interface ConvertedAssembly {
  /** A barrier config as a user would write it; validate it with parseBarrierConfig. */
  readonly barrierConfig: Record<string, unknown>;
  readonly stackPrefix: string;
  /** What was not carried over, and what to do about it. */
  readonly notes: string[];
}


// Every key the 2019 format knows, by section ('' is the top level).
// Packaging.S3Buckets maps regions to bucket names, so its keys are not checked.
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['StacksPrefix', 'CookieName', 'Environment', 'Packaging', 'Cloudfront', 'CognitoUserPool'],
  Environment: ['AWSProfile', 'Region'],
  Packaging: ['S3Buckets', 'S3Prefix'],
  Cloudfront: ['DomainName'],
  CognitoUserPool: ['UserPoolId', 'DomainName', 'UserPoolClientProperties'],
  'CognitoUserPool.UserPoolClientProperties': ['ReadAttributes', 'WriteAttributes', 'SupportedIdentityProviders'],
};
const REQUIRED_KEYS = ['Environment.Region', 'Cloudfront.DomainName', 'CognitoUserPool.UserPoolId', 'CognitoUserPool.DomainName'];

const HINT =
  'The 2019 format is: StacksPrefix, CookieName, Environment.{AWSProfile, Region}, Packaging.{S3Buckets, S3Prefix}, ' +
  'Cloudfront.DomainName, CognitoUserPool.{UserPoolId, DomainName, UserPoolClientProperties.{ReadAttributes, WriteAttributes, SupportedIdentityProviders}}. ' +
  'Or write a barrier config (README "Config file") and use --config.';

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (source: string, lines: readonly string[]): ConfigError =>
  new ConfigError('ERR_CONFIG_INVALID', `Invalid assembly file ${source}:\n${lines.map((l) => `  ${l}`).join('\n')}`, { hint: HINT });

function valueAt(root: Mapping, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) node = isMapping(node) ? node[key] : undefined;
  return node;
}

/** Unknown keys, sections that are not mappings, and missing or non-scalar required keys, all at once. */
function problemsOf(root: Mapping): string[] {
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const [section, known] of Object.entries(KNOWN_KEYS)) {
    const node = section === '' ? root : valueAt(root, section);
    if (node === undefined) continue;
    if (!isMapping(node)) {
      problems.push(`${section}: expected a mapping of ${known.join(', ')}`);
      continue;
    }
    for (const key of Object.keys(node)) if (!known.includes(key)) unknown.push(section === '' ? key : `${section}.${key}`);
  }
  if (unknown.length > 0) problems.push(`unknown keys: ${unknown.join(', ')}`);
  const missing = REQUIRED_KEYS.filter((path) => !isText(valueAt(root, path)));
  if (missing.length > 0) problems.push(`missing keys: ${missing.join(', ')} (each a single value)`);
  return problems;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** An optional single value; a list or mapping where one value belongs is reported like a missing key would be. */
function optionalText(root: Mapping, path: string, source: string): string | undefined {
  const value = valueAt(root, path);
  if (value === undefined || value === null || value === '') return undefined;
  if (!isText(value)) throw invalid(source, [`${path}: expected a single value`]);
  return value.trim();
}

/** `Google, COGNITO`, `Google COGNITO` or a YAML list: each name once, in order. */
function providerList(value: unknown, source: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((item): item is string => typeof item === 'string')) {
    throw invalid(source, ['CognitoUserPool.UserPoolClientProperties.SupportedIdentityProviders: expected provider names']);
  }
  return [...new Set(items.flatMap((item) => item.split(/[\s,]+/)).filter((name) => name !== ''))];
}

/**
 * The app client allows the same providers as before. COGNITO alone is the
 * default. Another provider alone is named as `identityProvider` (the app
 * client allows it alone, and the hosted UI skips a choice page with a single
 * button); several stay a choice on the hosted UI.
 */
function identityProvidersOf(providers: readonly string[]): { identityProviders?: string[]; identityProvider?: string } {
  const [only, ...more] = providers;
  if (only === undefined || (only === 'COGNITO' && more.length === 0)) return {};
  return more.length === 0 ? { identityProvider: only } : { identityProviders: [...providers] };
}

/**
 * The prefix of the new stacks and table: `chosen` (--stack-prefix) when
 * given, else StacksPrefix made usable (`Barrier` → `barrier`: lower case,
 * runs of other characters as `-`, starting with a letter), else cogcf's.
 */
function stackPrefixOf(raw: string | undefined, chosen: string | undefined, source: string, notes: string[]): string {
  const prefix = chosen ?? (raw === undefined ? DEFAULT_STACK_PREFIX : usablePrefix(raw, source));
  const names = `the new stacks are ${prefix}-manager and ${prefix}-checker, and the table ${prefix}-sessions`;
  if (raw === undefined) notes.push(`StacksPrefix is not set: ${names}.`);
  else notes.push(`StacksPrefix ${raw}: ${names}; the 2019 stacks ${raw}SessionManager and ${raw}SessionChecker are left alone: delete them once CloudFront uses the new ones.`);
  return prefix;
}

function usablePrefix(raw: string, source: string): string {
  const prefix = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_STACK_PREFIX_LENGTH)
    .replace(/-+$/, '');
  if (prefix === '') throw invalid(source, [`StacksPrefix: "${raw}" has no letter to start a stack name with`]);
  return prefix;
}

/** A prefix domain `x` is the hosted UI at `x.auth.<pool region>.amazoncognito.com`; a host name stays as it is. */
const cognitoDomainOf = (domain: string, userPoolId: string): string =>
  domain.includes('.') ? domain : `${domain}.auth.${userPoolId.split('_')[0] ?? ''}.amazoncognito.com`;

function notesOnDroppedSettings(root: Mapping, source: string, notes: string[]): void {
  const cookie = optionalText(root, 'CookieName', source);
  if (cookie !== undefined) {
    notes.push(`CookieName ${cookie} is not used: cogcf's session cookie is __Host-cogcf-session (browsers keep __Host- cookies to the exact host).`);
  }
  notes.push('Sessions of the 2019 barrier are not migrated (new table, new cookie): everyone signs in once more.');
  const profile = optionalText(root, 'Environment.AWSProfile', source);
  if (profile !== undefined) notes.push(`Environment.AWSProfile is not applied: run with AWS_PROFILE=${profile} to use that profile.`);
  if (valueAt(root, 'Packaging') !== undefined) {
    notes.push('Packaging.S3Buckets and Packaging.S3Prefix are not used: cogcf uploads to its own artifact buckets (cogcf-artifacts-<account>-<region>), keyed by content hash.');
  }
  const attributes = ['ReadAttributes', 'WriteAttributes'].filter((key) => valueAt(root, `CognitoUserPool.UserPoolClientProperties.${key}`) !== undefined);
  if (attributes.length > 0) {
    notes.push(`${attributes.join(' and ')} are not applied: the new app client uses the pool's default attribute permissions.`);
  }
}

function parseYaml(text: string, source: string): Mapping {
  let root: unknown;
  try {
    root = parse(text, { schema: 'failsafe' });
  } catch (e) {
    if (!(e instanceof YAMLError)) throw e;
    throw new ConfigError('ERR_CONFIG_INVALID', `${source} is not valid YAML: ${e.message}`, { hint: HINT, cause: e });
  }
  if (!isMapping(root)) throw invalid(source, ['expected a mapping with StacksPrefix, Environment, Cloudfront, CognitoUserPool, …']);
  return root;
}

/** Converts the text of an assembly file; `source` names it in errors, `stackPrefix` (--stack-prefix) wins over StacksPrefix. */
export function convertAssembly(text: string, source: string, stackPrefix?: string): ConvertedAssembly {
  const root = parseYaml(text, source);
  const problems = problemsOf(root);
  if (problems.length > 0) throw invalid(source, problems);
  const required = (path: string): string => (valueAt(root, path) as string).trim();

  const notes: string[] = [];
  const prefix = stackPrefixOf(optionalText(root, 'StacksPrefix', source), stackPrefix, source, notes);
  const userPoolId = required('CognitoUserPool.UserPoolId');
  const providers = providerList(valueAt(root, 'CognitoUserPool.UserPoolClientProperties.SupportedIdentityProviders'), source);
  notesOnDroppedSettings(root, source, notes);

  const barrierConfig = {
    domains: [required('Cloudfront.DomainName')],
    cognito: {
      userPoolId,
      domain: cognitoDomainOf(required('CognitoUserPool.DomainName'), userPoolId),
      ...identityProvidersOf(providers),
    },
    sessionTable: { name: `${prefix}-sessions`, region: required('Environment.Region') },
  };
  return { barrierConfig, stackPrefix: prefix, notes };
}

/** Reads, converts and validates an assembly file: what `cogcf deploy --from-assembly` deploys. */
export async function loadAssembly(path: string, stackPrefix?: string): Promise<ConvertedAssembly & { readonly config: ResolvedConfig }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing ? 'ERR_CONFIG_NOT_FOUND' : 'ERR_CONFIG_UNREADABLE',
      missing ? `Assembly file not found: ${path}` : `Cannot read assembly file ${path}: ${(e as Error).message}`,
      { hint: 'Check the path given to --from-assembly.', cause: e },
    );
  }
  const converted = convertAssembly(text, path, stackPrefix);
  return { ...converted, config: parseBarrierConfig(converted.barrierConfig, `${path} (converted from the 2019 assembly format)`) };
}
