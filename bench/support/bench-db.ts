// The benchmark's session table: dynalite on 127.0.0.1 (the test server),
// seeded with the sessions the subject's cases present, a login row and an
// expired session for its self-test. It runs in bench/run.js, which outlives
// the harness, because the port must be known before the harness bundles the
// checker (it builds before it makes fixtures).
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { handleOf, newId } from '../../runtime/core/session-ids.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { storeSession } from '../../test/fixtures/checker/events.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../test/support/session-db.js';
import { BENCH_CACHE_MAX_ENTRIES } from './bench-config.js';

/** One seeded session: the cookie value and what the origin must be told. */
export interface BenchSession {
  readonly id: string;
  readonly handle: string;
  readonly sub: string;
}

export interface BenchSessions {
  /** Cycled by the `authenticated` case (as many as the peer's users). */
  readonly warm: BenchSession[];
  /** Cycled by `authenticated-cache-miss`: more than the cache holds, so every call misses. */
  readonly miss: BenchSession[];
  /** Ids that must be redirected: a login row's id and an expired session's. */
  readonly loginRowId: string;
  readonly expiredId: string;
}

export const WARM_SESSIONS = 16;
export const MISS_SESSIONS = BENCH_CACHE_MAX_ENTRIES + 500;
const SEED_CONCURRENCY = 16;

export { TEST_ENV as BENCH_ENV };

export async function startBenchDb(): Promise<{ db: SessionDb; sessions: BenchSessions }> {
  const db = await startSessionDb();
  try {
    return { db, sessions: await seed(new SessionTable(createDynamoClient(db.table, { env: TEST_ENV }), db.table.name)) };
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function seed(table: SessionTable): Promise<BenchSessions> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const store = async (n: number): Promise<BenchSession[]> => {
    const out: BenchSession[] = new Array<BenchSession>(n);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < n; i = next++) {
        // Sessions outlive any run by far; groups as a typical signed-in user's.
        const { id, row } = await storeSession(table, nowSeconds, {
          email: `user${i}@example.com`,
          groups: ['staff', 'readers'],
          expiresAt: nowSeconds + 43200,
        });
        out[i] = { id, handle: row.handle, sub: row.sub };
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
    return out;
  };
  const warm = await store(WARM_SESSIONS);
  const miss = await store(MISS_SESSIONS);
  const loginRowId = newId();
  await table.putLogin({
    handle: handleOf(loginRowId),
    state: newId(),
    verifier: newId(),
    nonce: newId(),
    returnPath: '/',
    expiresAt: nowSeconds + 600,
  });
  const { id: expiredId } = await storeSession(table, nowSeconds - 7200, { expiresAt: nowSeconds - 60 });
  return { warm, miss, loginRowId, expiredId };
}
