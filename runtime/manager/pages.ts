// The manager's HTML pages. Anything that did not come from this file
// (Cognito's error text, paths) goes through escapeHtml; the CSP forbids
// scripts, styles and framing on top of that.
import { escapeHtml } from '../core/html.js';
import { html, type ManagerResult } from './http-event.js';
import type { ProviderError, SignInFailure } from './sign-in-error.js';

const document = (title: string, body: string): string =>
  `<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content="width=device-width">` +
  `<title>${escapeHtml(title)}</title><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const FAILURES: Readonly<Record<SignInFailure, { status: number; title: string; text: string }>> = {
  expired: {
    status: 400,
    title: 'Sign-in expired',
    text: 'This sign-in attempt has expired, was already used, or did not start here. Please sign in again.',
  },
  denied: { status: 403, title: 'Access denied', text: 'The sign-in service did not let you in.' },
  failed: {
    status: 502,
    title: 'Sign-in failed',
    text: 'The sign-in service sent an answer that could not be accepted. Please try again.',
  },
  unavailable: {
    status: 503,
    title: 'Sign-in service unavailable',
    text: 'Signing in is not possible right now. Please try again in a moment.',
  },
};

// Cognito's codes and descriptions are short; anything longer is not meant for people.
const MAX_ERROR_CODE = 64;
const MAX_DESCRIPTION = 300;

/**
 * The page for a sign-in that could not finish, with a link that starts a new
 * one. `providerError` only for a callback that consumed a live login.
 */
export function signInFailedPage(failure: SignInFailure, retryHref: string, providerError?: ProviderError): ManagerResult {
  const page = FAILURES[failure];
  const detail = providerError
    ? `<p>The sign-in service said: <code>${escapeHtml(providerError.error.slice(0, MAX_ERROR_CODE))}</code>` +
      (providerError.description ? ` ${escapeHtml(providerError.description.slice(0, MAX_DESCRIPTION))}` : '') +
      '</p>'
    : '';
  return html(
    page.status,
    document(page.title, `<p>${page.text}</p>${detail}<p><a href="${escapeHtml(retryHref)}">Sign in again</a></p>`),
    failure === 'unavailable' ? { headers: { 'retry-after': '5' } } : {},
  );
}

/** GET on the logout route: a form, so a link or an image cannot sign anyone out. */
export const logoutConfirmPage = (logoutPath: string, cognitoOrigin: string): ManagerResult =>
  html(
    200,
    document(
      'Sign out',
      `<form method=post action="${escapeHtml(logoutPath)}"><p>Do you want to sign out?</p>` +
        '<p><button type=submit>Sign out</button></p></form>',
    ),
    // The POST redirects on to Cognito's /logout and back to the site.
    { formAction: ["'self'", cognitoOrigin] },
  );

export const logoutRefusedPage = (): ManagerResult =>
  html(403, document('Sign-out refused', '<p>Sign-out requests must come from this site. Use its own sign-out button.</p>'));

export const logoutUnavailablePage = (logoutPath: string): ManagerResult =>
  html(
    503,
    document(
      'Sign-out not finished',
      '<p>Your session could not be ended right now, so you are still signed in. ' +
        `Please <a href="${escapeHtml(logoutPath)}">try again</a> in a moment.</p>`,
    ),
    { headers: { 'retry-after': '5' } },
  );

export const notFoundPage = (): ManagerResult => html(404, document('Not found', '<p>There is nothing here.</p>'));

export const methodNotAllowedPage = (allowed: readonly string[]): ManagerResult =>
  html(405, document('Method not allowed', '<p>This address does not accept that kind of request.</p>'), {
    headers: { allow: allowed.join(', ') },
  });

export const internalErrorPage = (): ManagerResult =>
  html(500, document('Something went wrong', '<p>Please try again in a moment.</p>'));
