// A dynalite session table with a few sessions in it, for the session operations.
import { createDynamoClient, DynamoError } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable, type SessionRow } from '../../runtime/core/session-table.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../support/session-db.js';

export const NOW = 1_800_000_000;

export interface SessionWorld {
  readonly db: SessionDb;
  readonly table: SessionTable;
  /** Stores a session for `sub`, created `agoSeconds` before NOW, live for an hour unless `expiresAt` says otherwise. */
  addSession(sub: string, email: string, options?: { agoSeconds?: number; expiresAt?: number; groups?: string[] }): Promise<SessionRow>;
  close(): Promise<void>;
}

/**
 * dynalite marks a new table ACTIVE a few ticks after CreateTable answers,
 * and says ResourceNotFoundException until then: on a busy machine the first
 * write can get there first.
 */
async function untilActive(table: SessionTable): Promise<void> {
  for (;;) {
    try {
      await table.readSession('probe', NOW);
      return;
    } catch (e) {
      if (!(e instanceof DynamoError && e.code === 'ResourceNotFoundException')) throw e;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

export async function startSessionWorld(): Promise<SessionWorld> {
  const db = await startSessionDb();
  const table = new SessionTable(createDynamoClient(db.table, { env: TEST_ENV }), db.table.name);
  await untilActive(table);
  return {
    db,
    table,
    async addSession(sub, email, { agoSeconds = 0, expiresAt = NOW + 3600, groups = [] } = {}) {
      const row = { handle: handleOf(newId()), sub, email, groups, createdAt: NOW - agoSeconds, expiresAt };
      await table.putSession(row);
      return row;
    },
    close: () => db.close(),
  };
}
