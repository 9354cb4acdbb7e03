// Cookie handling that never lets a neighbour hide our cookie. Browsers (and
// HTTP/2) may send several Cookie headers, other sites' scripts set values
// such as `foo={"a":1}` or `a=b=c`, and some send quoted values. We scan each
// header for our own name instead of parsing everything, so a malformed pair
// elsewhere cannot throw or swallow the rest of the header (the 2019 barrier's
// SimpleCookie did, and locked users out).

const isSpace = (c: number): boolean => c === 32 || c === 9;

/**
 * Where the next pair named by `needle` (`name=`) starts at or after `from`,
 * or -1. A match counts only at the start of a pair: after the header start
 * or a `;`, with optional white space between; `xname=` or a value holding
 * `name=` does not count.
 */
function findPair(header: string, needle: string, from: number): number {
  let at = header.indexOf(needle, from);
  while (at !== -1) {
    let before = at - 1;
    while (before >= 0 && isSpace(header.charCodeAt(before))) before--;
    if (before < 0 || header.charCodeAt(before) === 59) return at;
    const end = header.indexOf(';', at + needle.length);
    if (end === -1) return -1;
    at = header.indexOf(needle, end);
  }
  return -1;
}

/**
 * Every value of cookie `name` across all `Cookie` header values, in the order
 * sent. Surrounding double quotes are removed; nothing is URL-decoded.
 */
export function readCookie(headerValues: readonly string[], name: string): string[] {
  const found: string[] = [];
  const needle = name + '=';
  for (const header of headerValues) {
    for (let at = findPair(header, needle, 0); at !== -1; ) {
      const end = header.indexOf(';', at + needle.length);
      let value = header.slice(at + needle.length, end === -1 ? header.length : end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
        value = value.slice(1, -1);
      }
      found.push(value);
      at = end === -1 ? -1 : findPair(header, needle, end);
    }
  }
  return found;
}

/**
 * The header values without the pairs `readCookie` would read for `name`;
 * headers left empty are dropped. Other pairs are kept exactly as sent. This
 * runs on every forwarded request, so it slices around our pairs instead of
 * splitting and re-joining the header.
 */
export function withoutCookie(headerValues: readonly string[], name: string): string[] {
  const kept: string[] = [];
  const needle = name + '=';
  for (const header of headerValues) {
    let at = findPair(header, needle, 0);
    if (at === -1) {
      kept.push(header);
      continue;
    }
    let rest = '';
    let copied = 0;
    while (at !== -1) {
      rest += header.slice(copied, at);
      const end = header.indexOf(';', at + needle.length);
      if (end === -1) {
        copied = header.length;
        break;
      }
      copied = end + 1;
      while (copied < header.length && isSpace(header.charCodeAt(copied))) copied++;
      at = findPair(header, needle, copied);
    }
    rest += header.slice(copied);
    // Our pair may have been the last one: drop the separator left behind.
    let last = rest.length;
    while (last > 0 && (isSpace(rest.charCodeAt(last - 1)) || rest.charCodeAt(last - 1) === 59)) last--;
    if (last > 0) kept.push(rest.slice(0, last));
  }
  return kept;
}

export interface CookieAttributes {
  /** Seconds; 0 expires the cookie now. */
  readonly maxAge: number;
  readonly sameSite?: 'Lax' | 'Strict';
}

/**
 * A `Set-Cookie` value with the attributes a `__Host-` cookie requires
 * (Secure, Path=/, no Domain), plus HttpOnly: no script ever needs ours.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  return `${name}=${value}; Path=/; Max-Age=${attributes.maxAge}; Secure; HttpOnly; SameSite=${attributes.sameSite ?? 'Lax'}`;
}

/** A `Set-Cookie` value that deletes the cookie in the browser. */
export const expiredCookie = (name: string): string => serializeCookie(name, '', { maxAge: 0 });
