// The session table: one table, two kinds of rows, both keyed by the handle
// (SHA-256 of the id the browser holds).
//   kind=session  sub, email, groups, createdAt, expiresAt
//   kind=login    state, verifier, nonce, returnPath, expiresAt (single use, ≤ 10 min)
// `expiresAt` (epoch seconds) is the TTL attribute, but TTL deletes run up to
// days late, so every read checks it against the clock too. A row of the
// wrong kind is never accepted (the 2019 barrier took login rows as sessions).
import type { DynamoClient } from './dynamo.js';
import { KEY_ATTRIBUTE, num, readSession, sessionFromItem, str, type Item, type SessionRow } from './session-read.js';

export { KEY_ATTRIBUTE, type SessionRow } from './session-read.js';
export const SUB_INDEX = 'sub-index';

export interface LoginRow {
  readonly handle: string;
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string;
  readonly returnPath: string;
  readonly expiresAt: number;
}

function loginFromItem(item: Item | undefined, nowSeconds: number): LoginRow | undefined {
  if (!item || str(item, 'kind') !== 'login') return undefined;
  const expiresAt = num(item, 'expiresAt');
  const fields = ['pk', 'state', 'verifier', 'nonce', 'returnPath'].map((n) => str(item, n));
  if (!(expiresAt > nowSeconds) || fields.some((f) => f === undefined)) return undefined;
  const [handle, state, verifier, nonce, returnPath] = fields as [string, string, string, string, string];
  return { handle, state, verifier, nonce, returnPath, expiresAt };
}

export class SessionTable {
  constructor(
    private readonly db: DynamoClient,
    readonly tableName: string,
  ) {}

  /** A live session or undefined (see readSession). */
  readSession(handle: string, nowSeconds: number, timeoutMs?: number): Promise<SessionRow | undefined> {
    return readSession(this.db, this.tableName, handle, nowSeconds, timeoutMs);
  }

  async putSession(row: SessionRow): Promise<void> {
    await this.db.call('PutItem', {
      TableName: this.tableName,
      Item: {
        [KEY_ATTRIBUTE]: { S: row.handle },
        kind: { S: 'session' },
        sub: { S: row.sub },
        email: { S: row.email },
        groups: { L: row.groups.map((g) => ({ S: g })) },
        createdAt: { N: String(row.createdAt) },
        expiresAt: { N: String(row.expiresAt) },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTE },
    });
  }

  /** Deletes a session row (and only a session row); returns what it deleted. */
  async deleteSession(handle: string, nowSeconds: number): Promise<SessionRow | undefined> {
    try {
      const out = await this.db.call('DeleteItem', {
        TableName: this.tableName,
        Key: { [KEY_ATTRIBUTE]: { S: handle } },
        ConditionExpression: '#kind = :session',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':session': { S: 'session' } },
        ReturnValues: 'ALL_OLD',
      });
      return sessionFromItem(out.Attributes as Item | undefined, nowSeconds);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async putLogin(row: LoginRow): Promise<void> {
    await this.db.call('PutItem', {
      TableName: this.tableName,
      Item: {
        [KEY_ATTRIBUTE]: { S: row.handle },
        kind: { S: 'login' },
        state: { S: row.state },
        verifier: { S: row.verifier },
        nonce: { S: row.nonce },
        returnPath: { S: row.returnPath },
        expiresAt: { N: String(row.expiresAt) },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTE },
    });
  }

  /**
   * Deletes the login row if it is a live login row for `state`, atomically,
   * and returns it; a second call for the same row gets undefined (replay).
   * A mismatched state leaves the row for the real callback.
   */
  async consumeLogin(handle: string, state: string, nowSeconds: number): Promise<LoginRow | undefined> {
    try {
      const out = await this.db.call('DeleteItem', {
        TableName: this.tableName,
        Key: { [KEY_ATTRIBUTE]: { S: handle } },
        ConditionExpression: '#kind = :login AND #state = :state AND #exp > :now',
        ExpressionAttributeNames: { '#kind': 'kind', '#state': 'state', '#exp': 'expiresAt' },
        ExpressionAttributeValues: { ':login': { S: 'login' }, ':state': { S: state }, ':now': { N: String(nowSeconds) } },
        ReturnValues: 'ALL_OLD',
      });
      return loginFromItem(out.Attributes as Item | undefined, nowSeconds);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Every live session, by a paged Scan (for listing; never on the checker's
   * or manager's request path). Strongly consistent, so a revoke just made
   * is already gone from the list.
   */
  async scanSessions(nowSeconds: number): Promise<SessionRow[]> {
    const sessions: SessionRow[] = [];
    const input = {
      TableName: this.tableName,
      ConsistentRead: true,
      FilterExpression: '#kind = :session',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':session': { S: 'session' } },
    };
    for await (const item of this.allItems('Scan', input)) {
      const session = sessionFromItem(item, nowSeconds);
      if (session) sessions.push(session);
    }
    return sessions;
  }

  /** Handles of every session row of a user (for revoke-by-user). */
  async sessionHandlesOf(sub: string): Promise<string[]> {
    const handles: string[] = [];
    const input = {
      TableName: this.tableName,
      IndexName: SUB_INDEX,
      KeyConditionExpression: '#sub = :sub',
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: { ':sub': { S: sub } },
    };
    for await (const item of this.allItems('Query', input)) {
      const handle = str(item, KEY_ATTRIBUTE);
      if (handle !== undefined) handles.push(handle);
    }
    return handles;
  }

  /** The items of every page of a Query or Scan. */
  private async *allItems(operation: 'Query' | 'Scan', input: object): AsyncGenerator<Item> {
    let startKey: unknown;
    do {
      const out = await this.db.call(operation, startKey ? { ...input, ExclusiveStartKey: startKey } : input);
      yield* (out.Items as Item[] | undefined) ?? [];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
}

const isConditionFailure = (e: unknown): boolean =>
  e instanceof Error && (e as { code?: string }).code === 'ConditionalCheckFailedException';
