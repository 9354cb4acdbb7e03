// The barrier config file as users write it (documented in the README under
// "Config file"). Every object is strict, so a misspelt key is an error rather
// than a silently ignored setting; optional fields get their defaults here.
import * as v from 'valibot';
import * as f from './field-schemas.js';

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];
export const DEFAULT_COOKIE_NAME = '__Host-cogcf-session';

const cognito = v.pipe(
  f.strictObject(
    {
      userPoolId: f.userPoolId,
      // Left out for `cogcf deploy`, whose manager stack creates the app client.
      clientId: v.optional(f.clientId),
      domain: f.cognitoDomain,
      scopes: v.optional(f.scopes, () => [...DEFAULT_SCOPES]),
      identityProvider: v.optional(f.identityProvider),
      // What the app client the stack creates allows: the one named above, or Cognito's own users.
      identityProviders: v.optional(f.identityProviders),
      jwksUri: v.optional(f.jwksUri),
    },
    'an object with userPoolId and domain',
  ),
  v.forward(
    v.check(
      (c) => c.identityProvider === undefined || c.identityProviders === undefined || c.identityProviders.includes(c.identityProvider),
      (issue) => {
        const { identityProvider, identityProviders } = issue.input as { identityProvider: string; identityProviders: string[] };
        return `expected one of identityProviders (${identityProviders.join(', ')}), got ${JSON.stringify(identityProvider)}`;
      },
    ),
    ['identityProvider'],
  ),
);

const sessionTable = f.strictObject(
  {
    name: f.tableName,
    region: f.region,
    endpoint: v.optional(f.endpoint),
  },
  'an object with name and region',
);

const session = f.strictObject(
  {
    cookieName: v.optional(f.cookieName, DEFAULT_COOKIE_NAME),
    // 5 minutes to 30 days.
    ttlSeconds: v.optional(f.integerIn(300, 2_592_000, 'seconds'), 43_200),
  },
  'an object',
);

const checker = f.strictObject(
  {
    // The longest a revoked session still passes in a warm container.
    cacheTtlSeconds: v.optional(f.integerIn(0, 300, 'seconds'), 30),
    negativeCacheTtlSeconds: v.optional(f.integerIn(0, 300, 'seconds'), 5),
    // An entry is a few hundred bytes; 50,000 stays far below the edge's 128 MB.
    cacheMaxEntries: v.optional(f.integerIn(1, 50_000, 'entries'), 10_000),
    // One DynamoDB read must fit well inside the 5 s viewer-request limit.
    lookupTimeoutMs: v.optional(f.integerIn(100, 4_000, 'milliseconds'), 2_000),
    publicPaths: v.optional(f.uniqueList(f.publicPath, 'public paths', 100), () => []),
    allowedGroups: v.optional(f.groups, () => []),
    pathRules: v.optional(f.pathRules, () => []),
  },
  'an object',
);

export const BarrierConfigSchema = f.strictObject(
  {
    domains: v.pipe(
      f.uniqueList(f.siteDomain, 'domains', 100),
      v.minLength(1, () => 'expected at least one domain the site is served on'),
    ),
    cognito,
    sessionTable,
    session: v.optional(session, () => ({})),
    checker: v.optional(checker, () => ({})),
  },
  'a JSON object with domains, cognito and sessionTable',
);

/** The file after validation, with every default filled in. */
export type BarrierConfig = v.InferOutput<typeof BarrierConfigSchema>;
