// A viewer-request function returned a request: what CloudFront forwards is
// that request's uri, querystring and headers, once they pass validation.
// Method and client IP are read-only fields and are always taken from the
// viewer. A changed uri never picks another behaviour or origin.
import type { CloudFrontHeaders } from 'aws-lambda';
import { READ_ONLY_REQUEST_HEADERS } from './edge-headers.js';
import { InvalidResultError } from './edge-failures.js';
import { sameValues, validHeaderMap } from './header-map.js';

export interface ForwardedRequest {
  readonly uri: string;
  readonly querystring: string;
  readonly headers: CloudFrontHeaders;
}

// CloudFront's limit on a URI a function rewrites, query string included.
const MAX_URI_LENGTH = 8192;

/**
 * The request to forward. `before` is the event's header map as it was
 * before the function ran (functions may edit the event in place); throws
 * InvalidResultError when CloudFront would answer 502.
 */
export function applyRequestChanges(before: CloudFrontHeaders, result: object): ForwardedRequest {
  const { uri, querystring, headers } = result as Partial<Record<'uri' | 'querystring' | 'headers', unknown>>;
  if (typeof uri !== 'string' || !uri.startsWith('/')) throw new InvalidResultError('uri must be a string starting with "/"');
  if (typeof querystring !== 'string') throw new InvalidResultError('querystring must be a string');
  if (uri.length + 1 + querystring.length > MAX_URI_LENGTH) {
    throw new InvalidResultError(`the URI with its query string exceeds ${MAX_URI_LENGTH} characters`);
  }
  const after = validHeaderMap(headers);
  for (const name of READ_ONLY_REQUEST_HEADERS) {
    if (!sameValues(before, after, name)) throw new InvalidResultError(`the function tried to add, delete, or change a read-only header (${name})`);
  }
  return { uri, querystring, headers: after };
}
