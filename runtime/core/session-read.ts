// The one read the session checker makes: a session row by handle. Kept
// apart from SessionTable (the manager's and the CLI's writes, scans and
// queries) so the edge bundle carries only this.
import type { DynamoClient } from './dynamo.js';

export const KEY_ATTRIBUTE = 'pk';

export interface SessionRow {
  readonly handle: string;
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
}

export type Item = Record<string, { S?: string; N?: string; L?: { S?: string }[] }>;

export const str = (item: Item, name: string): string | undefined => item[name]?.S;
export const num = (item: Item, name: string): number => Number(item[name]?.N ?? Number.NaN);

/** The session a stored item describes, or undefined if it is not a live session. */
export function sessionFromItem(item: Item | undefined, nowSeconds: number): SessionRow | undefined {
  if (!item || str(item, 'kind') !== 'session') return undefined;
  const expiresAt = num(item, 'expiresAt');
  const handle = str(item, KEY_ATTRIBUTE);
  const sub = str(item, 'sub');
  if (!(expiresAt > nowSeconds) || handle === undefined || sub === undefined) return undefined;
  return {
    handle,
    sub,
    email: str(item, 'email') ?? '',
    groups: (item.groups?.L ?? []).flatMap((g) => (typeof g.S === 'string' ? [g.S] : [])),
    createdAt: num(item, 'createdAt'),
    expiresAt,
  };
}

/** A live session or undefined. Strongly consistent, so a fresh login is seen at once. */
export async function readSession(
  db: DynamoClient,
  tableName: string,
  handle: string,
  nowSeconds: number,
  timeoutMs?: number,
): Promise<SessionRow | undefined> {
  const out = await db.call(
    'GetItem',
    { TableName: tableName, Key: { [KEY_ATTRIBUTE]: { S: handle } }, ConsistentRead: true },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  return sessionFromItem(out.Item as Item | undefined, nowSeconds);
}
