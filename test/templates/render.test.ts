import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBarrierConfig } from '../../src/config/barrier-config.js';
import type { CfnTemplate } from '../../src/templates/cfn-yaml.js';
import { loadTemplate, renderStack } from '../../src/templates/load-template.js';
import { checkerStackParameters, managerStackParameters } from '../../src/templates/stack-parameters.js';

const example = JSON.parse(readFileSync(new URL('../../templates/barrier.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const config = parseBarrierConfig(example, 'barrier.example.json');
const MANAGER_ZIP = { bucket: 'cogcf-artifacts-123456789012-eu-west-1', key: `manager/${'3f'.repeat(32)}.zip`, sha256: '3f'.repeat(32) };
const CHECKER_ZIP = { bucket: 'cogcf-artifacts-123456789012-us-east-1', key: `checker/${'ab'.repeat(32)}.zip`, sha256: 'ab'.repeat(32) };
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/cogcf-sessions';

/** Evaluates the few intrinsic functions the app client's URL lists use, for given parameter values. */
function evaluate(node: unknown, params: Record<string, string[]>): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const [[fn, arg]] = Object.entries(node) as [[string, unknown]];
  const args = arg as unknown[];
  switch (fn) {
    case 'Ref':
      return params[arg as string];
    case 'Fn::Join':
      return (evaluate(args[1], params) as string[]).join(args[0] as string);
    case 'Fn::Split':
      return (evaluate(args[1], params) as string).split(args[0] as string);
    case 'Fn::Sub': {
      const [text, locals] = args as [string, Record<string, unknown>];
      return text.replace(/\$\{(\w+)\}/g, (_, name: string) => evaluate(locals[name], params) as string);
    }
    default:
      throw new Error(`not evaluated here: ${fn}`);
  }
}

const props = (template: CfnTemplate, id: string) => template.Resources[id]?.Properties ?? {};

describe('rendered stacks', () => {
  it('fills the manager stack from the example config (golden)', async () => {
    const rendered = renderStack(loadTemplate('manager'), managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false }));
    await expect(JSON.stringify(rendered, null, 2) + '\n').toMatchFileSnapshot('../../snapshots/templates/manager-stack.json');
  });

  it('fills the checker stack (golden)', async () => {
    const rendered = renderStack(loadTemplate('checker'), checkerStackParameters({ sessionTableArn: TABLE_ARN, checker: CHECKER_ZIP }));
    await expect(JSON.stringify(rendered, null, 2) + '\n').toMatchFileSnapshot('../../snapshots/templates/checker-stack.json');
  });

  it('registers a callback and a sign-out URL for every domain, and only those', () => {
    const client = props(loadTemplate('manager'), 'AppClient');
    const domains = managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false }).Domains?.split(',') ?? [];
    expect(domains).toEqual(['app.example.com', 'd111111abcdef8.cloudfront.net']);
    expect(evaluate(client.CallbackURLs, { Domains: domains })).toEqual([
      'https://app.example.com/_identity/auth',
      'https://d111111abcdef8.cloudfront.net/_identity/auth',
    ]);
    expect(evaluate(client.LogoutURLs, { Domains: domains })).toEqual(['https://app.example.com/', 'https://d111111abcdef8.cloudfront.net/']);
    expect(evaluate(client.CallbackURLs, { Domains: ['one.example'] })).toEqual(['https://one.example/_identity/auth']);
  });

  it('gives the app client a branding style only when the pool domain serves managed login', () => {
    expect(managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false }).ManagedLogin).toBe('false');
    expect(managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: true }).ManagedLogin).toBe('true');
    const template = loadTemplate('manager');
    expect(template.Resources.AppClientBranding).toMatchObject({
      Type: 'AWS::Cognito::ManagedLoginBranding',
      Condition: 'UsesManagedLogin',
      Properties: { ClientId: { Ref: 'AppClient' }, UseCognitoProvidedValues: true },
    });
    expect(template.Conditions).toEqual({ UsesManagedLogin: { 'Fn::Equals': [{ Ref: 'ManagedLogin' }, 'true'] } });
  });

  it('allows exactly the scopes the manager requests', () => {
    expect(managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false }).OAuthScopes).toBe('openid,email,profile');
    const more = parseBarrierConfig({ ...example, cognito: { ...(example.cognito as object), scopes: ['openid', 'email', 'phone', 'api.example.com/read'] } }, 'x');
    expect(managerStackParameters({ config: more, manager: MANAGER_ZIP, managedLogin: false }).OAuthScopes).toBe('openid,email,phone,api.example.com/read');
    expect(more.manager.cognito.scopes).toEqual(['openid', 'email', 'phone', 'api.example.com/read']);
  });

  it('allows the listed identity providers, else only the named one, else COGNITO', () => {
    expect(managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false }).IdentityProviders).toBe('Google');
    const plain = parseBarrierConfig({ ...example, cognito: { ...(example.cognito as object), identityProvider: undefined } }, 'x');
    expect(managerStackParameters({ config: plain, manager: MANAGER_ZIP, managedLogin: false }).IdentityProviders).toBe('COGNITO');
    const listed = parseBarrierConfig({ ...example, cognito: { ...(example.cognito as object), identityProviders: ['Google', 'COGNITO'] } }, 'x');
    expect(managerStackParameters({ config: listed, manager: MANAGER_ZIP, managedLogin: false }).IdentityProviders).toBe('Google,COGNITO');
  });

  it('passes the log retention when given', () => {
    expect(managerStackParameters({ config, manager: MANAGER_ZIP, managedLogin: false, logRetentionDays: 90 }).LogRetentionDays).toBe('90');
  });

  it('refuses unknown and missing parameters', () => {
    const template = loadTemplate('checker');
    const values = checkerStackParameters({ sessionTableArn: TABLE_ARN, checker: CHECKER_ZIP });
    expect(() => renderStack(template, { ...values, Extra: 'x' })).toThrow('parameters not in the template: Extra');
    const { CheckerCodeHash: _, ...withoutHash } = values;
    expect(() => renderStack(template, withoutHash)).toThrow('template parameters without a value: CheckerCodeHash');
  });
});
