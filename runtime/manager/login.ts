// GET <base>/login?path=: start a sign-in. The single-use login row holds
// everything the callback needs (state, PKCE verifier, nonce, return path);
// the browser holds only its login secret (login-binding.ts), which the row's
// key is derived from.
import { serializeCookie } from '../core/cookies.js';
import { newId } from '../core/session-ids.js';
import { loginHref, nowSeconds, type RouteHandler } from './context.js';
import { redirect } from './http-event.js';
import { logFailure } from './log.js';
import { loginHandleOf, loginSecretOf } from './login-binding.js';
import { signInFailedPage } from './pages.js';
import { safeReturnPath } from './return-path.js';

// Also the hard limit in the issue: a sign-in must finish within 10 minutes.
const MAX_LOGIN_TTL_SECONDS = 600;

export const startLogin: RouteHandler = async (ctx, request) => {
  const origin = ctx.chooseOrigin(request);
  const returnPath = safeReturnPath(request.query.get('path'), origin, ctx.config.basePath);
  const ttl = Math.min(ctx.config.loginTtlSeconds, MAX_LOGIN_TTL_SECONDS);
  const secrets = ctx.oauth.newLoginSecrets();
  // Reused, so a sign-in started in another tab keeps working.
  const secret = loginSecretOf(ctx, request) ?? newId();
  try {
    await ctx.table.putLogin({ handle: loginHandleOf(secret, secrets.state), ...secrets, returnPath, expiresAt: nowSeconds(ctx) + ttl });
  } catch (e) {
    logFailure('could not store a login', e);
    return signInFailedPage('unavailable', loginHref(ctx, returnPath));
  }
  const location = await ctx.oauth.authorizationUrl(secrets, origin + ctx.routes.callback);
  // Set again each time, so the cookie outlives the newest login row.
  return redirect(location, [serializeCookie(ctx.loginCookie, secret, { maxAge: ttl, sameSite: 'Lax' })]);
};
