// Payload format 2.0 in and out: API Gateway HTTP APIs and Lambda function
// URLs both send it. Handlers see a small request view and build results with
// the helpers below, so every manager response carries `no-store` (a cached
// login redirect would hand one login cookie and state to many browsers).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ManagerEvent = APIGatewayProxyEventV2;
export type ManagerResult = APIGatewayProxyStructuredResultV2;

export interface ManagerRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Cookie header values; payload 2.0 moves cookies into `cookies[]`, one `name=value` each. */
  readonly cookies: readonly string[];
  /** A header by lower-case name; repeated headers arrive joined with commas. */
  header(name: string): string | undefined;
}

/** An event of another shape, e.g. payload format 1.0 from a misconfigured API Gateway integration. */
export class UnsupportedEventError extends Error {
  override readonly name = 'UnsupportedEventError';
}

/** Throws UnsupportedEventError for anything but a payload 2.0 event. */
export function requestOf(event: ManagerEvent): ManagerRequest {
  // Typed as 2.0, but the integration decides what really arrives.
  const method: unknown = event.requestContext?.http?.method;
  if (typeof method !== 'string' || typeof event.rawPath !== 'string') {
    throw new UnsupportedEventError('not a payload format 2.0 event (rawPath, requestContext.http.method)');
  }
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  }
  const cookieHeader = headers.get('cookie');
  return {
    method: method.toUpperCase(),
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    cookies: event.cookies ?? (cookieHeader === undefined ? [] : [cookieHeader]),
    header: (name) => headers.get(name),
  };
}

const NO_STORE = 'no-store';

/**
 * A 302. No-referrer keeps the callback URL (code, state) out of the
 * Referer header of wherever the browser goes next.
 */
export const redirect = (location: string, cookies: string[] = []): ManagerResult => ({
  statusCode: 302,
  headers: { location, 'cache-control': NO_STORE, 'referrer-policy': 'no-referrer' },
  cookies,
  body: '',
});

export const json = (statusCode: number, value: unknown): ManagerResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': NO_STORE, 'x-content-type-options': 'nosniff' },
  body: JSON.stringify(value),
});

export interface HtmlOptions {
  readonly cookies?: string[];
  /** Origins a form on the page may submit to (CSP form-action, which also covers its redirects). */
  readonly formAction?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

export const html = (statusCode: number, body: string, options: HtmlOptions = {}): ManagerResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': NO_STORE,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action " +
      (options.formAction?.length ? options.formAction.join(' ') : "'none'"),
    ...options.headers,
  },
  cookies: options.cookies ?? [],
  body,
});
