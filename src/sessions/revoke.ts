// Revoking sessions in a session table (the sandbox's today, AWS later), in
// three steps: discover what exists (reads only), plan which rows go (pure),
// execute the plan (deletes). Revoking what is already gone is a no-op that
// is reported as such, so running a revoke twice is safe.
import type { SessionRow, SessionTable } from '../../runtime/core/session-table.js';

/** What a revoke did: the sessions it deleted, and the handles that had no live session (nothing to do). */
export interface RevocationResult {
  readonly revoked: readonly SessionRow[];
  readonly alreadyGone: readonly string[];
}

export interface UserRevocation extends RevocationResult {
  /** As given: an e-mail address or a sub. */
  readonly user: string;
  /** The subs it resolved to (none when an e-mail address has no live session). */
  readonly subs: readonly string[];
}

/** The rows a revoke deletes. */
export interface RevocationPlan {
  readonly subs: readonly string[];
  readonly handles: readonly string[];
}

/** A Cognito sub never contains `@`; an e-mail address always does. */
const isEmail = (user: string): boolean => user.includes('@');

/**
 * The subs `user` stands for: itself if it is a sub, else the subs of the
 * live sessions carrying that e-mail address (compared without regard to
 * case, as Cognito does).
 */
export function subsOf(user: string, sessions: readonly SessionRow[]): string[] {
  if (!isEmail(user)) return [user];
  const email = user.toLowerCase();
  return [...new Set(sessions.filter((s) => s.email.toLowerCase() === email).map((s) => s.sub))];
}

/** Every session row of the given subs, each once. */
export function planRevocation(handlesBySub: ReadonlyMap<string, readonly string[]>): RevocationPlan {
  return { subs: [...handlesBySub.keys()], handles: [...new Set([...handlesBySub.values()].flat())] };
}

/** Reads what a revoke of `user` would touch: its subs, then their rows through the `sub-index` GSI. */
export async function discoverUserSessions(table: SessionTable, user: string, nowSeconds: number): Promise<Map<string, string[]>> {
  // Only an e-mail address needs the Scan: there is no index on e-mail.
  const subs = subsOf(user, isEmail(user) ? await table.scanSessions(nowSeconds) : []);
  const handlesBySub = new Map<string, string[]>();
  for (const sub of subs) handlesBySub.set(sub, await table.sessionHandlesOf(sub));
  return handlesBySub;
}

export async function executeRevocation(table: SessionTable, handles: readonly string[], nowSeconds: number): Promise<RevocationResult> {
  const revoked: SessionRow[] = [];
  const alreadyGone: string[] = [];
  for (const handle of handles) {
    const deleted = await table.deleteSession(handle, nowSeconds);
    if (deleted) revoked.push(deleted);
    else alreadyGone.push(handle);
  }
  return { revoked, alreadyGone };
}

/** Revokes one session by its handle. */
export const revokeSession = (table: SessionTable, handle: string, nowSeconds: number): Promise<RevocationResult> =>
  executeRevocation(table, [handle], nowSeconds);

/** Revokes every session of a user, given by e-mail address or sub. */
export async function revokeUser(table: SessionTable, user: string, nowSeconds: number): Promise<UserRevocation> {
  const plan = planRevocation(await discoverUserSessions(table, user, nowSeconds));
  return { user, subs: plan.subs, ...(await executeRevocation(table, plan.handles, nowSeconds)) };
}
