// Endpoints come from the baked config. Plain http is accepted only for a
// local stand-in on the loopback interface (tests, `cogcf dev`); anything
// else must be https, so a config mistake cannot send codes in clear text.

export class ManagerConfigError extends Error {
  override readonly name = 'ManagerConfigError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True if `url` is a loopback http URL (needs the libraries' insecure-request switch). */
export function isLoopbackHttp(url: string, field: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return false;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return true;
  throw new ManagerConfigError(`${field} must be an https URL (http only on 127.0.0.1 or localhost): ${url}`);
}
