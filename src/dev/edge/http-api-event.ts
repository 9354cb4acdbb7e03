// The session manager's origin, an API Gateway HTTP API with a Lambda proxy
// integration (payload format 2.0): the request CloudFront forwards becomes
// the event, and the function's result becomes the HTTP response. Repeated
// headers are joined with commas, Cookie headers move to `cookies[]`, a body
// that is not text arrives base64-encoded, and `cookies[]` in the result
// becomes one Set-Cookie line each.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { InvalidResultError, type EdgeResponse } from './edge-failures.js';
import { valuesOf, type HeaderLine } from './header-lines.js';
import { isRecord, isWritableHeader } from './result-checks.js';

const API_ID = 'cogcfdev';
/** The API's own host name: what the manager sees as Host behind CloudFront. */
export const API_DOMAIN = `${API_ID}.execute-api.us-east-1.amazonaws.com`;

export interface HttpApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly sourceIp: string;
  /** Headers as they reach the API from CloudFront. */
  readonly headerLines: readonly HeaderLine[];
  readonly body: Buffer;
  /** Epoch milliseconds. */
  readonly now: number;
}

const TEXT_TYPES = /^(?:text\/|application\/(?:json|x-www-form-urlencoded|xml|javascript)\b|application\/[\w.+-]+\+(?:json|xml)\b)/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');
/** `23/Nov/2026:21:32:10 +0000`, API Gateway's `requestContext.time`. */
const apiTime = (ms: number): string => {
  const d = new Date(ms);
  const date = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}`;
  return `${date}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
};

/** Repeated names joined with commas, as payload 2.0 does for headers and query parameters. */
const joined = (pairs: Iterable<readonly [string, string]>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  return out;
};

export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const cookies = valuesOf(request.headerLines, 'cookie')
    .flatMap((header) => header.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
  const headers = joined(
    request.headerLines.map(([name, value]): [string, string] => [name.toLowerCase(), value]).filter(([name]) => name !== 'cookie'),
  );
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: request.query,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(request.query === '' ? {} : { queryStringParameters: joined(new URLSearchParams(request.query)) }),
    requestContext: {
      accountId: '000000000000',
      apiId: API_ID,
      domainName: API_DOMAIN,
      domainPrefix: API_ID,
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(10).toString('base64'),
      routeKey: '$default',
      stage: '$default',
      time: apiTime(request.now),
      timeEpoch: request.now,
    },
    ...(request.body.length > 0 ? { body: request.body.toString(isText ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: request.body.length > 0 && !isText,
  };
}

// API Gateway frames the response itself.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

/** The function's result as API Gateway answers it; throws InvalidResultError for a malformed one (a 502). */
export function httpApiResponse(result: unknown): EdgeResponse {
  if (result === undefined || result === null) throw new InvalidResultError('the function returned nothing');
  // Payload 2.0 without a statusCode: the whole result is a JSON body with status 200.
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { status: 200, headerLines: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 200 || statusCode > 599) {
    throw new InvalidResultError('statusCode must be an integer from 200 to 599');
  }
  const lines: HeaderLine[] = [];
  if (headers !== undefined) {
    if (!isRecord(headers)) throw new InvalidResultError('headers must be an object');
    for (const [name, raw] of Object.entries(headers)) {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        throw new InvalidResultError(`headers["${name}"] must be a string, number or boolean`);
      }
      const value = String(raw);
      if (!isWritableHeader(name, value)) throw new InvalidResultError(`headers["${name}"] is not a valid header`);
      if (!FRAMING.has(name.toLowerCase())) lines.push([name, value]);
    }
  }
  if (cookies !== undefined) {
    if (!Array.isArray(cookies) || !cookies.every((c): c is string => typeof c === 'string')) {
      throw new InvalidResultError('cookies must be an array of strings');
    }
    for (const cookie of cookies) {
      if (!isWritableHeader('set-cookie', cookie)) throw new InvalidResultError('a cookie has invalid characters');
      lines.push(['set-cookie', cookie]);
    }
  }
  if (body !== undefined && typeof body !== 'string') throw new InvalidResultError('body must be a string');
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') throw new InvalidResultError('isBase64Encoded must be a boolean');
  return { status: statusCode, headerLines: lines, body: Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8') };
}

/** API Gateway's own error answers: `{"message": …}`. */
export const apiGatewayError = (status: number, message: string): EdgeResponse => ({
  status,
  headerLines: [['content-type', 'application/json']],
  body: Buffer.from(JSON.stringify({ message })),
});
