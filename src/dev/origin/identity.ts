// Reading the identity headers the checker sets, as an origin should (see the
// README, "What the origin receives"): values are percent-encoded outside
// printable ASCII, groups are comma-separated with commas inside a name
// encoded, and a request without x-barrier-session is anonymous.
import type { IncomingHttpHeaders } from 'node:http';

export const IDENTITY_HEADER_PREFIX = 'x-barrier-';

export interface OriginIdentity {
  readonly session: string;
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly string[];
}

// A value the checker did not encode (someone calling the origin directly)
// is shown as it came rather than failing the page.
export const decodeHeaderValue = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** The group names in an x-barrier-groups value: split first, then decode (a name may hold an encoded comma). */
export const groupsOf = (value: string): string[] => (value === '' ? [] : value.split(',').map(decodeHeaderValue));

const single = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join(',') : (value ?? ''));

export function identityOf(headers: IncomingHttpHeaders): OriginIdentity | undefined {
  const session = headers['x-barrier-session'];
  if (session === undefined) return undefined;
  return {
    session: decodeHeaderValue(single(session)),
    sub: decodeHeaderValue(single(headers['x-barrier-user-sub'])),
    email: decodeHeaderValue(single(headers['x-barrier-user-email'])),
    groups: groupsOf(single(headers['x-barrier-groups'])),
  };
}

/** Every x-barrier-* header as received (lower-case names, raw values), in arrival order. */
export function identityHeadersOf(headers: IncomingHttpHeaders): [name: string, value: string][] {
  return Object.entries(headers)
    .filter(([name]) => name.startsWith(IDENTITY_HEADER_PREFIX))
    .map(([name, value]) => [name, single(value)]);
}
