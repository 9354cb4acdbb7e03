// The user pool's hosted-UI domain as Cognito knows it (read only). A deploy
// checks that cognito.domain really is a domain of the configured pool, so a
// typo fails before anything is created instead of at everyone's first
// sign-in, and learns whether it serves managed login (version 2): a new app
// client shows managed-login pages only once it has a branding style.
import { DescribeUserPoolDomainCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoConfig } from '../../runtime/core/config.js';
import { toCogcfError } from '../aws/errors.js';
import { ConfigError } from '../errors.js';

export interface PoolDomain {
  /** `x` for `x.auth.<region>.amazoncognito.com`, else the custom domain itself. */
  readonly name: string;
  /** The domain serves managed login (ManagedLoginVersion 2), not the classic hosted UI. */
  readonly managedLogin: boolean;
}

const PREFIX_DOMAIN = /^([a-z0-9-]+)\.auth(?:-fips)?\.[a-z0-9-]+\.amazoncognito\.com$/;

/** What DescribeUserPoolDomain takes for a hosted-UI origin such as `https://x.auth.eu-west-1.amazoncognito.com`. */
export function domainNameOf(domainUrl: string): string {
  const host = new URL(domainUrl).hostname;
  return PREFIX_DOMAIN.exec(host)?.[1] ?? host;
}

export async function discoverPoolDomain(cognitoIdp: CognitoIdentityProviderClient, cognito: CognitoConfig): Promise<PoolDomain> {
  const name = domainNameOf(cognito.domainUrl);
  let description;
  try {
    ({ DomainDescription: description } = await cognitoIdp.send(new DescribeUserPoolDomainCommand({ Domain: name })));
  } catch (e) {
    throw toCogcfError(e, { action: 'cognito-idp:DescribeUserPoolDomain', resource: name });
  }
  const host = new URL(cognito.domainUrl).host;
  // Cognito answers an unknown domain with an empty description, not an error.
  if (description?.UserPoolId === undefined) {
    throw new ConfigError('ERR_CONFIG_INVALID', `cognito.domain: ${host} is not a domain of any user pool in ${cognito.region}`, {
      hint: `Give the pool ${cognito.userPoolId} a domain (Cognito console → the pool → Domain), or correct cognito.domain.`,
    });
  }
  if (description.UserPoolId !== cognito.userPoolId) {
    throw new ConfigError('ERR_CONFIG_INVALID', `cognito.domain: ${host} belongs to user pool ${description.UserPoolId}, not to ${cognito.userPoolId}`, {
      hint: 'Use the domain of the pool in cognito.userPoolId, or correct cognito.userPoolId.',
    });
  }
  return { name, managedLogin: description.ManagedLoginVersion === 2 };
}
