// GET <base>/session: who is signed in, for single-page apps.
import { handleOf } from '../core/session-ids.js';
import { nowSeconds, type RouteHandler } from './context.js';
import { json } from './http-event.js';
import { logFailure } from './log.js';
import { sessionIdsOf } from './session-cookie.js';

export const sessionInfo: RouteHandler = async (ctx, request) => {
  const now = nowSeconds(ctx);
  try {
    for (const id of sessionIdsOf(ctx, request)) {
      const session = await ctx.table.readSession(handleOf(id), now);
      if (session) return json(200, session);
    }
  } catch (e) {
    logFailure('could not read a session', e);
    return json(503, { error: 'unavailable' });
  }
  return json(401, { error: 'not_signed_in' });
};
