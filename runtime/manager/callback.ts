// GET <base>/auth?code&state: finish a sign-in. The login row is consumed
// first (atomic conditional delete on the cookie's handle and the state), so
// a replayed callback or one started elsewhere finds nothing; only then is
// the code exchanged and the ID token checked. Failures render a page, never
// a redirect: a redirect back to sign-in could loop.
import { expiredCookie, readCookie, serializeCookie } from '../core/cookies.js';
import { handleOf, isWellFormedId, newId } from '../core/session-ids.js';
import type { LoginRow } from '../core/session-table.js';
import { loginHref, nowSeconds, type ManagerContext, type RouteHandler } from './context.js';
import { redirect, type ManagerRequest, type ManagerResult } from './http-event.js';
import { logFailure } from './log.js';
import { signInFailedPage } from './pages.js';
import { providerFailure, SignInError } from './sign-in-error.js';

async function consumeLogin(ctx: ManagerContext, request: ManagerRequest): Promise<LoginRow | undefined> {
  const state = request.query.get('state');
  const loginId = readCookie(request.cookies, ctx.loginCookie).find(isWellFormedId);
  if (!state || loginId === undefined) return undefined;
  try {
    return await ctx.table.consumeLogin(handleOf(loginId), state, nowSeconds(ctx));
  } catch (e) {
    throw new SignInError('unavailable', 'login store unreachable', undefined, { cause: e });
  }
}

async function finishLogin(ctx: ManagerContext, request: ManagerRequest, login: LoginRow, origin: string): Promise<ManagerResult> {
  const now = ctx.now();
  const idToken = await ctx.oauth.exchangeCode({
    callbackQuery: request.query,
    redirectUri: origin + ctx.routes.callback,
    state: login.state,
    nonce: login.nonce,
    verifier: login.verifier,
    now,
  });
  const identity = await ctx.verifyIdToken(idToken, login.nonce, now);
  const sessionId = newId();
  const createdAt = Math.floor(now / 1000);
  try {
    await ctx.table.putSession({
      handle: handleOf(sessionId),
      ...identity,
      createdAt,
      expiresAt: createdAt + ctx.config.sessionTtlSeconds,
    });
  } catch (e) {
    throw new SignInError('unavailable', 'session store unreachable', undefined, { cause: e });
  }
  return redirect(origin + login.returnPath, [
    serializeCookie(ctx.sessionCookie, sessionId, { maxAge: ctx.config.sessionTtlSeconds, sameSite: 'Lax' }),
    expiredCookie(ctx.loginCookie),
  ]);
}

export const finishSignIn: RouteHandler = async (ctx, request) => {
  const origin = ctx.chooseOrigin(request);
  let login: LoginRow | undefined;
  try {
    login = await consumeLogin(ctx, request);
    if (!login) {
      const error = request.query.get('error');
      throw error
        ? providerFailure(error, request.query.get('error_description') ?? undefined)
        : new SignInError('expired', 'no live login for this callback');
    }
    return await finishLogin(ctx, request, login, origin);
  } catch (e) {
    const failure = e instanceof SignInError ? e : new SignInError('failed', 'unexpected callback failure', undefined, { cause: e });
    logFailure(`sign-in failed (${failure.failure})`, failure);
    // The login row is gone once consumed, so its cookie goes too.
    const cookies = login ? [expiredCookie(ctx.loginCookie)] : undefined;
    return signInFailedPage(failure.failure, loginHref(ctx, login?.returnPath ?? '/'), failure.providerError, cookies);
  }
};
