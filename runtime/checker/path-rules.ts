// Which paths skip the session check and which groups a path needs, compiled
// once when the checker is created. Origins decode and normalise paths that
// CloudFront passes through as sent (`/assets/..%2fadmin/`, `/admin;x/`,
// `//admin/`), so a rule is checked against both the raw URI and the path the
// origin may resolve it to: a request is public only if both forms are, and
// must satisfy the rules of both.
import type { PathRule } from '../core/config.js';

// Only URIs with one of these can resolve to another path; the rest are canonical already.
const MAY_RESOLVE = /[%\\;]|\/[/.]/;

// Proxies and frameworks that decode twice turn `%252e` into `.`; decoding up
// to this many times covers every layer we have seen in front of an origin.
const DECODE_ROUNDS = 3;

/**
 * The path an origin may resolve `uri` to: percent-decoded (repeatedly, while
 * that still decodes), `\` as `/`, `;params` dropped, empty and dot segments
 * resolved. Undefined when the URI cannot be decoded at all (then it can be
 * neither public nor trusted to any rule).
 */
export function canonicalPath(uri: string): string | undefined {
  if (!MAY_RESOLVE.test(uri)) return uri;
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return undefined;
  }
  for (let round = 1; round < DECODE_ROUNDS && decoded.includes('%'); round++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break; // a literal `%` (sent as %25): this is what the origin sees
    }
  }
  const segments = decoded.replace(/\\/g, '/').split('/');
  const kept: string[] = [];
  let endsInSlash = false;
  for (const raw of segments) {
    const segment = raw.replace(/;[^]*/, '');
    endsInSlash = segment === '' || segment === '.' || segment === '..';
    if (segment === '..') kept.pop();
    else if (!endsInSlash) kept.push(segment);
  }
  const path = '/' + kept.join('/');
  return endsInSlash && kept.length > 0 ? path + '/' : path;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A matcher for globs where `*` is any run of characters (`/` included) and the rest is literal. */
export function compileGlobs(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const pattern = new RegExp(`^(?:${globs.map((g) => g.split('*').map(escapeRegExp).join('.*')).join('|')})$`);
  return (path) => pattern.test(path);
}

/** Public if both the raw URI and its canonical form match (see the top of this file). */
export function compilePublicPaths(globs: readonly string[]): (uri: string, canonical: string | undefined) => boolean {
  const matches = compileGlobs(globs);
  return (uri, canonical) => canonical !== undefined && matches(uri) && (canonical === uri || matches(canonical));
}

export type GroupGate = (groups: readonly string[], uri: string, canonical: string | undefined) => boolean;

const anyOf = (required: readonly string[], groups: readonly string[]): boolean =>
  required.length === 0 || required.some((g) => groups.includes(g));

/**
 * Global `allowedGroups` (any-of) AND the most specific (longest) path rule
 * whose prefix matches, for the raw and the canonical path. A path that
 * cannot be decoded must satisfy every rule. Prefixes match without regard to
 * letter case, and `/admin/` also matches `/admin`: many origins (Express,
 * IIS, Spring) route `/ADMIN` and `/admin` to the `/admin/` pages, and a gate
 * may only ever be stricter than the origin.
 */
export function compileGroupGate(allowedGroups: readonly string[], pathRules: readonly PathRule[]): GroupGate {
  const rules = [...pathRules]
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .map((r) => ({ ...r, prefix: r.prefix.toLowerCase(), bare: r.prefix.endsWith('/') ? r.prefix.slice(0, -1).toLowerCase() : undefined }));
  const ruleAllows = (path: string, groups: readonly string[]): boolean => {
    const lower = path.toLowerCase();
    const rule = rules.find((r) => lower.startsWith(r.prefix) || lower === r.bare);
    return rule === undefined || anyOf(rule.allowedGroups, groups);
  };
  return (groups, uri, canonical) =>
    anyOf(allowedGroups, groups) &&
    (canonical === undefined
      ? rules.every((r) => anyOf(r.allowedGroups, groups))
      : ruleAllows(uri, groups) && (canonical === uri || ruleAllows(canonical, groups)));
}
