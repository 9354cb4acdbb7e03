// The responses the checker generates instead of forwarding the request, in
// Lambda@Edge's shape (status as a string, lower-case header names mapping to
// [{key, value}]). Viewer-request responses are never cached by CloudFront;
// no-store keeps browsers and proxies from caching them either. Pages stay
// tiny: a generated viewer-request response may hold at most 40 KB.
import type { CloudFrontHeaders, CloudFrontResultResponse } from 'aws-lambda';
import { escapeHtml } from '../core/html.js';

const noStore = (): CloudFrontHeaders[string] => [{ key: 'Cache-Control', value: 'no-store' }];

/** A 302 to `location`, optionally replacing a cookie (e.g. expiring a bad one). */
export function redirect(location: string, setCookie?: string): CloudFrontResultResponse {
  const headers: CloudFrontHeaders = { location: [{ key: 'Location', value: location }], 'cache-control': noStore() };
  if (setCookie !== undefined) headers['set-cookie'] = [{ key: 'Set-Cookie', value: setCookie }];
  return { status: '302', statusDescription: 'Found', headers };
}

function page(status: string, description: string, html: string, extra: CloudFrontHeaders = {}): CloudFrontResultResponse {
  return {
    status,
    statusDescription: description,
    headers: {
      'content-type': [{ key: 'Content-Type', value: 'text/html; charset=utf-8' }],
      'cache-control': noStore(),
      'content-security-policy': [{ key: 'Content-Security-Policy', value: "default-src 'none'" }],
      ...extra,
    },
    body: `<!doctype html><meta charset=utf-8><meta name=viewport content="width=device-width"><title>${description}</title>${html}`,
  };
}

/** A signed-in user without the group this path needs: a page, never a login redirect (that would loop). */
export const forbidden = (email: string, logoutPath: string): CloudFrontResultResponse =>
  page(
    '403',
    'Forbidden',
    `<h1>Access denied</h1><p>You are signed in${email ? ` as ${escapeHtml(email)}` : ''}, but this page needs a group you are not in.</p>` +
      `<p><a href="${escapeHtml(logoutPath)}">Sign out or switch user</a></p>`,
  );

/** The session store could not answer: fail closed, and keep the cookie (the session may be fine). */
export const unavailable = (): CloudFrontResultResponse =>
  page(
    '503',
    'Service Unavailable',
    '<h1>Sign-in service unavailable</h1><p>Your session could not be checked right now. Please retry in a moment.</p>',
    { 'retry-after': [{ key: 'Retry-After', value: '5' }] },
  );
