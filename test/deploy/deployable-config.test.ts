// A config made for `cogcf dev` or local stand-ins, or with the user pool in
// another region than the table, is refused before anything is built.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBarrierConfig } from '../../src/config/barrier-config.js';
import { assertDeployable } from '../../src/deploy/deployable-config.js';
import { isCogcfError } from '../../src/errors.js';

type Config = { domains: string[]; cognito: Record<string, unknown>; sessionTable: Record<string, unknown> };
const example = JSON.parse(readFileSync('templates/barrier.example.json', 'utf8')) as Config;
const configWith = (change: (c: Config) => void) => {
  const copy = structuredClone(example);
  change(copy);
  return parseBarrierConfig(copy, 'test');
};
const problemsOf = (change: (c: Config) => void): string => {
  try {
    assertDeployable(configWith(change));
  } catch (e) {
    if (!isCogcfError(e)) throw e;
    expect(e).toMatchObject({ code: 'ERR_CONFIG_INVALID', exitCode: 2 });
    return e.message;
  }
  return 'deployable';
};

describe('assertDeployable', () => {
  it('accepts the example config', () => {
    expect(problemsOf(() => {})).toBe('deployable');
  });

  it.each([
    ['a local domain', (c: Config) => (c.domains = ['app.example.com', 'http://127.0.0.1:8080']), 'domains[1]: http://127.0.0.1:8080 is a local address'],
    ['a DynamoDB stand-in', (c: Config) => (c.sessionTable.endpoint = 'http://127.0.0.1:8000'), 'sessionTable.endpoint: http://127.0.0.1:8000 is for local stand-ins'],
    ['a local identity provider', (c: Config) => (c.cognito.domain = 'http://127.0.0.1:4000'), 'cognito.domain: http://127.0.0.1:4000 is a local identity provider'],
    [
      'a local key set',
      (c: Config) => (c.cognito.jwksUri = 'https://keys.example.com/jwks.json'),
      'cognito.jwksUri: https://keys.example.com/jwks.json is for a local identity provider only',
    ],
    [
      'a user pool in another region',
      (c: Config) => (c.cognito.userPoolId = 'us-east-1_AbCdEf123'),
      "sessionTable.region: eu-west-1 is not the user pool's region (us-east-1)",
    ],
  ])('refuses %s, naming the field', (_, change, problem) => {
    const message = problemsOf(change);
    expect(message).toMatch(/^This barrier config cannot be deployed:\n/);
    expect(message).toContain(problem);
  });

  it('names every problem at once', () => {
    const message = problemsOf((c) => {
      c.domains = ['http://localhost:3000'];
      c.sessionTable.endpoint = 'http://127.0.0.1:8000';
    });
    expect(message.split('\n').slice(1)).toHaveLength(2);
  });
});
