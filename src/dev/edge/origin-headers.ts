// The headers CloudFront puts on a request it forwards to a custom origin,
// and the ones it keeps from the origin's answer. Toward the origin: Host
// names the origin (the viewer's Host is not forwarded), Via and
// X-Forwarded-For get CloudFront's entry appended, X-Amz-Cf-Id carries the
// request id, and several Cookie lines become one, as HTTP/1.1 requires.
import { appended, VIA } from './edge-headers.js';
import { rawHeaderLines, valuesOf, type HeaderLine } from './header-lines.js';

export interface OriginHop {
  /** The origin's `host[:port]`. */
  readonly host: string;
  readonly clientIp: string;
  readonly requestId: string;
}

// Rebuilt below, or framed by Node itself (Transfer-Encoding).
const REPLACED = new Set(['host', 'via', 'x-forwarded-for', 'cookie', 'transfer-encoding']);

export function toOriginHeaders(lines: readonly HeaderLine[], hop: OriginHop): HeaderLine[] {
  const out: HeaderLine[] = lines.filter(([name]) => !REPLACED.has(name.toLowerCase()));
  const cookies = valuesOf(lines, 'cookie');
  if (cookies.length > 0) out.push(['Cookie', cookies.join('; ')]);
  out.push(
    ['Host', hop.host],
    ['Via', appended(valuesOf(lines, 'via'), VIA)],
    ['X-Forwarded-For', appended(valuesOf(lines, 'x-forwarded-for'), hop.clientIp)],
    ['X-Amz-Cf-Id', hop.requestId],
  );
  return out;
}

// Hop-by-hop: they describe the origin's connection, not the response.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** An origin's raw response headers without the hop-by-hop ones, as lines. */
export const fromOriginHeaders = (rawHeaders: readonly string[]): HeaderLine[] =>
  rawHeaderLines(rawHeaders).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
