// Binds sign-ins to the browser that started them. The login cookie holds one
// random secret per browser, reused by every sign-in it starts, and each
// sign-in's row is keyed by the hash of that secret and its state. So several
// sign-ins (two tabs, SPA fetches sent to login) live side by side, a
// callback needs both the cookie and its own state to find its row, and
// neither the secret nor its bare hash is ever a session key (the checker
// hashes a presented id alone, and ids hold no `.`).
import { readCookie } from '../core/cookies.js';
import { handleOf, isWellFormedId } from '../core/session-ids.js';
import type { ManagerContext } from './context.js';
import type { ManagerRequest } from './http-event.js';

/** The browser's login secret, if it sends one we could have issued. */
export const loginSecretOf = (ctx: ManagerContext, request: ManagerRequest): string | undefined =>
  readCookie(request.cookies, ctx.loginCookie).find(isWellFormedId);

/** The table key of the sign-in this browser started with `state`. */
export const loginHandleOf = (secret: string, state: string): string => handleOf(`${secret}.${state}`);
