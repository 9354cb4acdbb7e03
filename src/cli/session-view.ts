// How `cogcf sessions` and `cogcf revoke` show a session: ISO 8601 times
// (to the second, as stored), the user by e-mail address or else by sub.
import type { SessionRow } from '../../runtime/core/session-table.js';
import { sessionUser } from '../sessions/list-sessions.js';
import { renderTable } from './render-table.js';

export const isoTime = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');

export const sessionJson = (s: SessionRow) => ({
  handle: s.handle,
  sub: s.sub,
  email: s.email,
  groups: s.groups,
  createdAt: isoTime(s.createdAt),
  expiresAt: isoTime(s.expiresAt),
});

export const sessionsTable = (sessions: readonly SessionRow[]): string =>
  renderTable([['handle', 'user', 'created', 'expires'], ...sessions.map((s) => [s.handle, sessionUser(s), isoTime(s.createdAt), isoTime(s.expiresAt)])]);
