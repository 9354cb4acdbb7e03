// <base>/logout. GET only shows a form; the POST ends the session: the row is
// deleted (the checker stops accepting it within its cache TTL), the session
// and login cookies cleared (no sign-in started before it can finish after
// it), and the browser sent to Cognito's /logout so the hosted-UI session
// ends too (otherwise the next sign-in would be silent).
import { expiredCookie } from '../core/cookies.js';
import { handleOf } from '../core/session-ids.js';
import { nowSeconds, type RouteHandler } from './context.js';
import { redirect, type ManagerRequest } from './http-event.js';
import { logFailure } from './log.js';
import { logoutConfirmPage, logoutRefusedPage, logoutUnavailablePage } from './pages.js';
import { sessionIdsOf } from './session-cookie.js';

export const confirmLogout: RouteHandler = (ctx) => logoutConfirmPage(ctx.routes.logout, ctx.config.cognito.domainUrl);

/**
 * A POST another site made the browser send. SameSite=Lax already keeps our
 * cookie off it; refusing it also stops a forced sign-out. Sec-Fetch-Site,
 * which no page can forge, decides when present: pages with
 * `Referrer-Policy: no-referrer` send `Origin: null` even to themselves.
 * Requests without either header (old browsers, scripts) are let through.
 */
function isCrossSite(request: ManagerRequest, origins: readonly string[]): boolean {
  const fetchSite = request.header('sec-fetch-site');
  if (fetchSite !== undefined) return fetchSite !== 'same-origin';
  const origin = request.header('origin');
  return origin !== undefined && !origins.includes(origin);
}

export const logout: RouteHandler = async (ctx, request) => {
  if (isCrossSite(request, ctx.config.origins)) return logoutRefusedPage();
  const now = nowSeconds(ctx);
  try {
    for (const id of sessionIdsOf(ctx, request)) await ctx.table.deleteSession(handleOf(id), now);
  } catch (e) {
    // The row may still be live: saying "signed out" now would be a lie.
    logFailure('could not delete a session', e);
    return logoutUnavailablePage(ctx.routes.logout);
  }
  const { domainUrl, clientId } = ctx.config.cognito;
  const target = new URL(`${domainUrl}/logout`);
  target.search = new URLSearchParams({ client_id: clientId, logout_uri: `${ctx.chooseOrigin(request)}/` }).toString();
  return redirect(target.href, [expiredCookie(ctx.sessionCookie), expiredCookie(ctx.loginCookie)]);
};
