// Cookie handling that never lets a neighbour hide our cookie. Browsers (and
// HTTP/2) may send several Cookie headers, other sites' scripts set values
// such as `foo={"a":1}` or `a=b=c`, and some send quoted values. We scan each
// header for our own name instead of parsing everything, so a malformed pair
// elsewhere cannot throw or swallow the rest of the header (the 2019 barrier's
// SimpleCookie did, and locked users out).

const isSpace = (c: number): boolean => c === 32 || c === 9;

/**
 * Every value of cookie `name` across all `Cookie` header values, in the order
 * sent. Surrounding double quotes are removed; nothing is URL-decoded.
 */
export function readCookie(headerValues: readonly string[], name: string): string[] {
  const found: string[] = [];
  const needle = name + '=';
  for (const header of headerValues) {
    let at = header.indexOf(needle);
    while (at !== -1) {
      // A match counts only at the start of a pair: after the header start or
      // a `;`, with optional white space between.
      let before = at - 1;
      while (before >= 0 && isSpace(header.charCodeAt(before))) before--;
      const end = header.indexOf(';', at + needle.length);
      if (before < 0 || header.charCodeAt(before) === 59) {
        let value = header.slice(at + needle.length, end === -1 ? header.length : end).trim();
        if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
          value = value.slice(1, -1);
        }
        found.push(value);
      }
      if (end === -1) break;
      at = header.indexOf(needle, end);
    }
  }
  return found;
}

/**
 * The header values with every `name=…` pair removed; headers left empty are
 * dropped. Other pairs are kept exactly as sent.
 */
export function withoutCookie(headerValues: readonly string[], name: string): string[] {
  const kept: string[] = [];
  for (const header of headerValues) {
    if (!header.includes(name)) {
      kept.push(header);
      continue;
    }
    const pairs = header.split(';').filter((pair) => {
      const eq = pair.indexOf('=');
      return (eq === -1 ? pair : pair.slice(0, eq)).trim() !== name;
    });
    const rest = pairs.map((p) => p.trim()).filter((p) => p !== '').join('; ');
    if (rest !== '') kept.push(rest);
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
