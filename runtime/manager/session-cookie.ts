// The session ids a request carries. Browsers may send our cookie more than
// once (e.g. a stale copy from another path); each is tried, up to a bound.
import { readCookie } from '../core/cookies.js';
import { isWellFormedId } from '../core/session-ids.js';
import type { ManagerContext } from './context.js';
import type { ManagerRequest } from './http-event.js';

const MAX_SESSION_IDS = 3;

export const sessionIdsOf = (ctx: ManagerContext, request: ManagerRequest): string[] =>
  readCookie(request.cookies, ctx.sessionCookie).filter(isWellFormedId).slice(0, MAX_SESSION_IDS);
