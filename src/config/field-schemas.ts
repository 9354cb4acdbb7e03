// One valibot schema per kind of field in the barrier config. Each message says
// what was expected and what was found (the loader puts the field's path in
// front), and each rule exists because the wrong value would break a
// deployment or weaken the barrier: see the comment on the rule.
import * as v from 'valibot';

const MAX_SHOWN = 80;

/** How a bad value is echoed back: valibot's rendering, cut short. */
const shown = (received: string): string =>
  received.length > MAX_SHOWN ? `${received.slice(0, MAX_SHOWN - 1)}…` : received;

/** A message for every issue a schema can raise, so users see ours, not valibot's. */
const expect =
  (what: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    `expected ${what}, got ${shown(issue.received)}`;

/** For rules about a whole list, where echoing the value helps nobody. */
const need = (text: string) => (): string => `expected ${text}`;

const firstRepeat = (list: readonly unknown[]): unknown => list.find((x, i) => list.indexOf(x) !== i);

// --- Lists and objects -----------------------------------------------------------

/** A list with no repeated value; `what` names the value in the message. */
export const uniqueList = <T extends v.GenericSchema<unknown, string>>(item: T, what: string, max: number) =>
  v.pipe(
    v.array(item, expect(`a list of ${what}`)),
    v.maxLength(max, need(`at most ${max} ${what}`)),
    v.check(
      (list) => firstRepeat(list) === undefined,
      (issue) => `expected each of the ${what} once, ${JSON.stringify(firstRepeat(issue.input as unknown[]))} repeats`,
    ),
  );

/**
 * An object that rejects unknown keys (so a typo shows instead of being
 * ignored) and names the keys it knows.
 */
export function strictObject<const E extends v.ObjectEntries>(entries: E, what: string) {
  const known = Object.keys(entries).join(', ');
  return v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? `unknown key (known keys: ${known})`
      : issue.received === 'undefined'
        ? 'is required'
        : expect(what)(issue),
  );
}

/** `us-east-1`, `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`, … */
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';

export const region = v.pipe(
  v.string(expect('an AWS region such as eu-west-1')),
  v.regex(new RegExp(`^${REGION}$`), expect('an AWS region such as eu-west-1')),
);

// The region prefix matters: the issuer and JWKS URL are derived from it.
const POOL_ID = expect('a user pool id "<region>_<id>" such as eu-west-1_AbCdEf123');
export const userPoolId = v.pipe(v.string(POOL_ID), v.maxLength(55, POOL_ID), v.regex(new RegExp(`^${REGION}_[0-9A-Za-z]+$`), POOL_ID));

// Cognito's own pattern for app client ids.
const CLIENT_ID = expect('an app client id (letters, digits, _ or +; at most 128) such as 1example23456789abcdefghij');
export const clientId = v.pipe(v.string(CLIENT_ID), v.regex(/^[\w+]{1,128}$/, CLIENT_ID));

// --- Addresses ---------------------------------------------------------------

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name with at least two labels. IP addresses are excluded (the last
 * label is never all digits): CloudFront and Cognito are reached by name, and a
 * bare `localhost` must be written as a local origin instead.
 */
export function isHostName(s: string): boolean {
  const labels = s.split('.');
  return s.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}

const LOCAL_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::([1-9]\d{0,4}))?$/;

/** `http://127.0.0.1:8080`, `http://localhost`: plain http is allowed on the loopback only. */
export function isLocalOrigin(s: string): boolean {
  const match = LOCAL_ORIGIN.exec(s);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
}

// Host names are case-insensitive; they are checked and kept in lower case.
const isSiteAddress = (s: string): boolean => isHostName(s.toLowerCase()) || isLocalOrigin(s.toLowerCase());

/** A host name becomes its https origin; a local origin is written as browsers send it (`:80` dropped). */
const toOrigin = (s: string): string => (isLocalOrigin(s) ? new URL(s).origin : `https://${s}`);

/** A host name or a local origin, stored as the origin it names; `what` describes it in errors. */
const siteAddress = (what: string) => {
  const message = expect(what);
  return v.pipe(v.string(message), v.check(isSiteAddress, message), v.toLowerCase(), v.transform(toOrigin));
};

// Redirect and callback URLs are built from these, never from the Host
// header, so only exact names are accepted: no wildcard, scheme, port or path.
export const siteDomain = siteAddress(
  'a host name such as app.example.com (no scheme, port or path), or for local use http://127.0.0.1:<port> or http://localhost:<port>',
);

export const cognitoDomain = siteAddress(
  'the hosted UI host name such as my-barrier.auth.eu-west-1.amazoncognito.com or auth.example.com (no https://, no path), or for local use an origin such as http://127.0.0.1:4000',
);

const parseUrl = (s: string): URL | undefined => {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
};

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** https anywhere, http only on the loopback (a local stand-in); never credentials or a fragment. */
function isServiceUrl(url: URL | undefined): url is URL {
  return (
    url !== undefined &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === ''
  );
}

const JWKS_URI = expect('an https:// URL (http:// only on 127.0.0.1 or localhost, for local use)');
export const jwksUri = v.pipe(
  v.string(JWKS_URI),
  v.check((s) => isServiceUrl(parseUrl(s)), JWKS_URI),
  v.transform((s) => new URL(s).href),
);

const ENDPOINT = expect('an origin such as https://dynamodb.eu-west-1.amazonaws.com or, for local use, http://127.0.0.1:8000 (no path)');
export const endpoint = v.pipe(
  v.string(ENDPOINT),
  v.check((s) => {
    const url = parseUrl(s);
    return isServiceUrl(url) && (s === url.origin || s === `${url.origin}/`);
  }, ENDPOINT),
  v.transform((s) => new URL(s).origin),
);

// --- Names ---------------------------------------------------------------------

// DynamoDB's rule for table names.
const TABLE_NAME = expect('a DynamoDB table name: 3 to 255 letters, digits, _ - or .');
export const tableName = v.pipe(v.string(TABLE_NAME), v.regex(/^[\w.-]{3,255}$/, TABLE_NAME));

// The `__Host-` prefix makes browsers refuse the cookie unless it is Secure,
// Path=/ and host-only, which is how we set it. Without the prefix a sibling
// subdomain could plant a cookie with our name on the parent domain
// ("cookie tossing") and fix a victim's session, so it is required.
const COOKIE_NAME = expect("a cookie name that starts with __Host-, then letters, digits or !#$%&'*+-.^_`|~ (at most 64 characters)");
export const cookieName = v.pipe(v.string(COOKIE_NAME), v.regex(/^__Host-[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,57}$/, COOKIE_NAME));

// RFC 6749 scope-token characters.
const SCOPE = expect('an OAuth scope such as openid, email or profile');
const scope = v.pipe(v.string(SCOPE), v.regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/, SCOPE));
export const scopes = v.pipe(
  uniqueList(scope, 'scopes', 50),
  v.check((list) => list.includes('openid'), need('a list that includes "openid" (the ID token needs it)')),
);

// Cognito's provider names: 1 to 32 characters; sent as `identity_provider`.
const PROVIDER = expect('an identity provider name as in the user pool, such as Google or COGNITO (1 to 32 characters, no spaces)');
export const identityProvider = v.pipe(v.string(PROVIDER), v.regex(/^[^\s\p{C}]{1,32}$/u, PROVIDER));
export const identityProviders = v.pipe(
  uniqueList(identityProvider, 'identity providers', 50),
  v.minLength(1, need('at least one identity provider')),
);

// Cognito's group name rule.
const GROUP = expect('a Cognito group name (1 to 128 letters, digits, marks, symbols or punctuation; no spaces)');
const group = v.pipe(v.string(GROUP), v.regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, GROUP));
export const groups = uniqueList(group, 'group names', 100);

// --- Paths ---------------------------------------------------------------------

// Paths are matched against the URI as CloudFront passes it (percent-encoded,
// without the query string), so only visible ASCII without `?` and `#` can ever match.
const PATH_CHARS = /^\/[\x21\x22\x24-\x3E\x40-\x7E]*$/;

const PUBLIC_PATH = expect('a path glob that starts with / such as /favicon.ico or /assets/* (visible ASCII, no ? or #)');
export const publicPath = v.pipe(
  v.string(PUBLIC_PATH),
  v.maxLength(1024, PUBLIC_PATH),
  v.regex(PATH_CHARS, PUBLIC_PATH),
  // `/*` (or `/**`) would let every request through without a session.
  v.check((glob) => glob.replaceAll('*', '') !== '/', expect('a glob narrower than /* (that would make the whole site public)')),
);

const PREFIX = expect('a path prefix that starts with / such as /admin/ (visible ASCII, no *, ? or #; a prefix, not a glob)');
const pathPrefix = v.pipe(
  v.string(PREFIX),
  v.maxLength(1024, PREFIX),
  v.regex(PATH_CHARS, PREFIX),
  v.check((prefix) => !prefix.includes('*'), PREFIX),
);

// The most specific (longest) matching prefix decides, so one prefix in two
// rules would be ambiguous. An empty `allowedGroups` lets any signed-in user
// into a sub-path of a stricter rule.
export const pathRules = v.pipe(
  v.array(
    strictObject({ prefix: pathPrefix, allowedGroups: groups }, 'an object with prefix and allowedGroups'),
    expect('a list of { prefix, allowedGroups } rules'),
  ),
  v.maxLength(100, need('at most 100 path rules')),
  v.check(
    (rules) => firstRepeat(rules.map((r) => r.prefix)) === undefined,
    (issue) =>
      `expected each prefix in one rule only, ${JSON.stringify(firstRepeat((issue.input as { prefix: string }[]).map((r) => r.prefix)))} repeats`,
  ),
);

// --- Numbers -------------------------------------------------------------------

export const integerIn = (min: number, max: number, unit: string) => {
  const message = expect(`a whole number of ${unit} from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`);
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
};
