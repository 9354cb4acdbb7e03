// Listing the sessions of a session table (the sandbox's today, AWS later).
import type { SessionRow, SessionTable } from '../../runtime/core/session-table.js';

/** Every live session, oldest first (ties by handle, so the order is stable). */
export async function listSessions(table: SessionTable, nowSeconds: number): Promise<SessionRow[]> {
  const sessions = await table.scanSessions(nowSeconds);
  return sessions.sort((a, b) => a.createdAt - b.createdAt || (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0));
}

/** Who a session belongs to, for people: the e-mail address if there is one, else the sub. */
export const sessionUser = (session: SessionRow): string => session.email || session.sub;
