// cognito.domain checked against the pool before a deploy: against moto for
// what it models, mocked for the managed-login version it does not report.
import { CognitoIdentityProviderClient, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CognitoConfig } from '../../runtime/core/config.js';
import { awsClients } from '../../src/aws/clients.js';
import { discoverPoolDomain, domainNameOf } from '../../src/deploy/pool-domain.js';
import { isCogcfError } from '../../src/errors.js';
import { createPoolWithDomain, useMoto } from '../support/moto.js';

const REGION = 'eu-west-1';
const cognitoConfig = (userPoolId: string, domainUrl: string): CognitoConfig => ({
  region: REGION,
  userPoolId,
  clientId: '',
  domainUrl,
  issuer: `https://cognito-idp.${REGION}.amazonaws.com/${userPoolId}`,
  jwksUri: `https://cognito-idp.${REGION}.amazonaws.com/${userPoolId}/.well-known/jwks.json`,
  scopes: ['openid'],
});

const rejectionOf = (promise: Promise<unknown>): Promise<{ code: string; exitCode: number; message: string; hint?: string | undefined }> =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => (isCogcfError(e) ? e : expect.fail(`not a CogcfError: ${String(e)}`)),
  );

describe('domainNameOf', () => {
  it.each([
    ['https://my-barrier.auth.eu-west-1.amazoncognito.com', 'my-barrier'],
    ['https://my-barrier.auth-fips.us-east-1.amazoncognito.com', 'my-barrier'],
    ['https://auth.example.com', 'auth.example.com'],
  ])('%s → %s', (url, name) => expect(domainNameOf(url)).toBe(name));
});

describe('discoverPoolDomain against moto', () => {
  const moto = useMoto();
  let poolId: string;
  let otherPoolId: string;
  beforeAll(async () => {
    poolId = await createPoolWithDomain(moto, REGION, 'my-barrier');
    otherPoolId = await createPoolWithDomain(moto, REGION, 'someone-else');
  });
  const cognitoIdp = () => awsClients({ region: REGION, endpoint: moto.endpoint }).cognitoIdp;

  it("finds the pool's own domain, serving the classic hosted UI", async () => {
    const domain = await discoverPoolDomain(cognitoIdp(), cognitoConfig(poolId, 'https://my-barrier.auth.eu-west-1.amazoncognito.com'));
    expect(domain).toEqual({ name: 'my-barrier', managedLogin: false });
  });

  it('refuses a domain no pool has (exit 2), naming it', async () => {
    const e = await rejectionOf(discoverPoolDomain(cognitoIdp(), cognitoConfig(poolId, 'https://my-barier.auth.eu-west-1.amazoncognito.com')));
    expect(e).toMatchObject({ code: 'ERR_CONFIG_INVALID', exitCode: 2 });
    expect(e.message).toBe('cognito.domain: my-barier.auth.eu-west-1.amazoncognito.com is not a domain of any user pool in eu-west-1');
    expect(e.hint).toContain(`Give the pool ${poolId} a domain`);
  });

  it("refuses another pool's domain", async () => {
    const e = await rejectionOf(discoverPoolDomain(cognitoIdp(), cognitoConfig(poolId, 'https://someone-else.auth.eu-west-1.amazoncognito.com')));
    expect(e.message).toBe(`cognito.domain: someone-else.auth.eu-west-1.amazoncognito.com belongs to user pool ${otherPoolId}, not to ${poolId}`);
  });
});

describe('discoverPoolDomain with a mocked Cognito', () => {
  it('reports managed login for a version 2 domain', async () => {
    const cognitoMock = mockClient(CognitoIdentityProviderClient);
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: 'auth.example.com' }).resolves({
      DomainDescription: { UserPoolId: 'eu-west-1_Pool', Domain: 'auth.example.com', ManagedLoginVersion: 2 },
    });
    try {
      const domain = await discoverPoolDomain(new CognitoIdentityProviderClient({ region: REGION }), cognitoConfig('eu-west-1_Pool', 'https://auth.example.com'));
      expect(domain).toEqual({ name: 'auth.example.com', managedLogin: true });
    } finally {
      cognitoMock.restore();
    }
  });
});
