// Where to send the browser after sign-in. Only a plain same-site path is
// kept; anything else becomes `/`. Every check runs on the value and on each
// form it takes when percent-decoded again (the decoded form is what a later
// hop may act on), which catches `%2F%2Fevil`, `/%5Cevil`, `/%09/evil` and
// double encodings. The result is resolved against a configured origin, so
// even a path we failed to foresee cannot leave the site.

const MAX_LENGTH = 2048;
// Browsers drop tab and newline from URLs (`/\t/evil` → `//evil`); other
// control characters have no business in a path either.
const CONTROL = /[\u0000-\u001f\u007f]/;
const PERCENT_BYTE = /%([0-9a-fA-F]{2})/g;
// More layers than this means nobody meant it as a path.
const MAX_DECODINGS = 4;

/** `/…`, not `//…`, no backslash (browsers read it as `/`), no control characters. */
const isPlainPath = (s: string): boolean =>
  s.startsWith('/') && s[1] !== '/' && !s.includes('\\') && !CONTROL.test(s);

/**
 * Every form of `value` under repeated percent-decoding, byte by byte (so a
 * malformed sequence elsewhere cannot stop the decoding), or undefined if it
 * is still changing after MAX_DECODINGS rounds.
 */
function decodedForms(value: string): string[] | undefined {
  const forms = [value];
  let current = value;
  for (let round = 0; round < MAX_DECODINGS; round++) {
    const next = current.replace(PERCENT_BYTE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) return forms;
    forms.push(next);
    current = next;
  }
  return undefined;
}

/**
 * The path and query to return to on `origin`, or `/`. Paths under the
 * manager's own `basePath` are refused too: returning to the login route
 * would start another sign-in.
 */
export function safeReturnPath(requested: string | null, origin: string, basePath: string): string {
  if (!requested || requested.length > MAX_LENGTH) return '/';
  const forms = decodedForms(requested);
  if (!forms || !forms.every(isPlainPath)) return '/';
  const url = new URL(requested, origin);
  const path = url.pathname + url.search;
  // Dot segments resolve here: `/..//evil` and `/%2e%2e//evil` become `//evil`.
  if (url.origin !== origin || !isPlainPath(path)) return '/';
  if (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)) return '/';
  return path;
}
