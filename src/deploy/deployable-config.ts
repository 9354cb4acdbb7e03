// What a deployed barrier cannot use, found before anything is built or
// created: settings for the local sandbox and stand-ins (http origins, a
// DynamoDB endpoint, a local identity provider's keys), and a user pool in
// another region than the manager stack, which must hold the pool's app client.
import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConfigError } from '../errors.js';

const HTTPS = 'https://';

function problemsOf({ manager }: ResolvedConfig): string[] {
  const { cognito, table, origins } = manager;
  const problems = origins.flatMap((origin, i) => (origin.startsWith(HTTPS) ? [] : [`domains[${i}]: ${origin} is a local address`]));
  if (table.endpoint !== undefined) problems.push(`sessionTable.endpoint: ${table.endpoint} is for local stand-ins; a deployed barrier uses DynamoDB itself`);
  if (!cognito.domainUrl.startsWith(HTTPS)) problems.push(`cognito.domain: ${cognito.domainUrl} is a local identity provider`);
  if (cognito.jwksUri !== `${cognito.issuer}/.well-known/jwks.json`) problems.push(`cognito.jwksUri: ${cognito.jwksUri} is for a local identity provider only`);
  if (cognito.region !== table.region) {
    problems.push(
      `sessionTable.region: ${table.region} is not the user pool's region (${cognito.region}); the manager stack creates the pool's app client, so it must be deployed in ${cognito.region}`,
    );
  }
  return problems;
}

/** Throws a ConfigError (exit 2) naming every setting a deploy cannot use. */
export function assertDeployable(config: ResolvedConfig): void {
  const problems = problemsOf(config);
  if (problems.length === 0) return;
  throw new ConfigError('ERR_CONFIG_INVALID', `This barrier config cannot be deployed:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
    hint: 'Keep local settings for `cogcf dev`; list only the host names the site is served on, and leave out endpoint and jwksUri.',
  });
}
