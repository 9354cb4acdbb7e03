// GET <base>/auth?code&state: finish a sign-in. The login row is consumed
// first (atomic conditional delete of the row this browser's login secret and
// the state name), so a replayed callback or one started elsewhere finds
// nothing; only then is the code exchanged and the ID token checked. Failures
// render a page, never a redirect: a redirect back to sign-in could loop.
//
// The login cookie is left to expire (it lives no longer than the newest
// login row): another tab's sign-in may still need it, and on its own it
// opens nothing (login-binding.ts).
import { serializeCookie } from '../core/cookies.js';
import { handleOf, newId } from '../core/session-ids.js';
import type { LoginRow } from '../core/session-table.js';
import { loginHref, nowSeconds, type ManagerContext, type RouteHandler } from './context.js';
import { redirect, type ManagerRequest, type ManagerResult } from './http-event.js';
import { logFailure } from './log.js';
import { loginHandleOf, loginSecretOf } from './login-binding.js';
import { signInFailedPage } from './pages.js';
import { SignInError } from './sign-in-error.js';

async function consumeLogin(ctx: ManagerContext, request: ManagerRequest): Promise<LoginRow | undefined> {
  const state = request.query.get('state');
  const secret = loginSecretOf(ctx, request);
  if (!state || secret === undefined) return undefined;
  try {
    return await ctx.table.consumeLogin(loginHandleOf(secret, state), state, nowSeconds(ctx));
  } catch (e) {
    throw new SignInError('unavailable', 'login store unreachable', undefined, { cause: e });
  }
}

/** Code exchange (or the provider's error), ID-token check, session. */
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
  ]);
}

export const finishSignIn: RouteHandler = async (ctx, request) => {
  const origin = ctx.chooseOrigin(request);
  let login: LoginRow | undefined;
  try {
    // Not an authorization response at all: no reason to touch the table.
    if (!request.query.has('code') && !request.query.has('error')) throw new SignInError('expired', 'callback without a code or an error');
    login = await consumeLogin(ctx, request);
    // Without a live login the provider's error text is not shown: anyone
    // can craft `?error_description=` and put their words on the site.
    if (!login) throw new SignInError('expired', 'no live login for this callback');
    return await finishLogin(ctx, request, login, origin);
  } catch (e) {
    const failure = e instanceof SignInError ? e : new SignInError('failed', 'unexpected callback failure', undefined, { cause: e });
    logFailure(`sign-in failed (${failure.failure})`, failure);
    return signInFailedPage(failure.failure, loginHref(ctx, login?.returnPath ?? '/'), failure.providerError);
  }
};
