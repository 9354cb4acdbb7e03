// What the origin receives. Identity headers are trusted by the origin, so
// any a client sent are removed before ours are set, on every forwarded
// request (public paths too). Our cookies never reach the origin: it needs
// the public handle, not a value a browser could replay. Only x-barrier-* and
// cookie headers are touched; read-only ones (host, via, content-length,
// transfer-encoding) are left alone, as Lambda@Edge requires.
import type { CloudFrontRequest } from 'aws-lambda';
import { withoutCookie } from '../core/cookies.js';
import type { Identity } from './session-lookup.js';

// Headers the origin must not take from the client: ours in any spelling
// (CGI/WSGI servers read `x_barrier_groups` as X-Barrier-Groups), and the
// path overrides some frameworks route by (IIS, older Symfony and Zend).
const isUntrustedHeader = (name: string): boolean =>
  // CloudFront gives lower-case names; the slower checks run only on names starting with x.
  (name.charCodeAt(0) | 32) === 120 &&
  ((name.length >= 10 && name.slice(0, 10).toLowerCase().replace(/_/g, '-') === 'x-barrier-') ||
    name.toLowerCase() === 'x-original-url' ||
    name.toLowerCase() === 'x-rewrite-url');

/** Strips spoofed identity headers and our cookies, then adds `identity`'s headers if given. */
export function forwardRequest(request: CloudFrontRequest, cookieName: string, identity?: Identity): CloudFrontRequest {
  const headers = request.headers;
  for (const name in headers) if (isUntrustedHeader(name)) delete headers[name];

  const cookies = headers.cookie;
  // The login cookie's name starts with ours, so this test covers both.
  if (cookies !== undefined && cookies.some((c) => c.value.includes(cookieName))) {
    const kept = withoutCookie(
      withoutCookie(
        cookies.map((c) => c.value),
        cookieName,
      ),
      cookieName + '-login',
    );
    if (kept.length === 0) delete headers.cookie;
    else headers.cookie = kept.map((value) => ({ key: 'Cookie', value }));
  }

  if (identity !== undefined) {
    headers['x-barrier-session'] = [{ key: 'X-Barrier-Session', value: identity.session.handle }];
    headers['x-barrier-user-sub'] = [{ key: 'X-Barrier-User-Sub', value: identity.subHeader }];
    headers['x-barrier-user-email'] = [{ key: 'X-Barrier-User-Email', value: identity.emailHeader }];
    headers['x-barrier-groups'] = [{ key: 'X-Barrier-Groups', value: identity.groupsHeader }];
  }
  return request;
}
