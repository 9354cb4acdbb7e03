// How many DynamoDB reads the checker makes, counted at its DynamoDB client:
// the target is one read per session per container per cache TTL. Runs the
// checker's source with the benchmark's config and a clock it moves, so the
// TTL expiry needs no waiting; every request must pass.
import type { CloudFrontRequestResult } from 'aws-lambda';
import { createChecker } from '../../runtime/checker/checker.js';
import type { TableConfig } from '../../runtime/core/config.js';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { countingClient, forwarded, viewerRequest } from '../../test/fixtures/checker/events.js';
import { benchCheckerConfig, BENCH_COOKIE } from './bench-config.js';
import { BENCH_ENV, type BenchSession } from './bench-db.js';

export interface ReadCounts {
  readonly sessions: number;
  readonly requestsPerSession: number;
  /** Reads for `requestsPerSession` sequential requests of each session within one TTL. */
  readonly withinTtl: number;
  /** Further reads for as many requests once the TTL has passed. */
  readonly nextTtl: number;
  /** Reads when `concurrent` requests of each (uncached) session arrive at once. */
  readonly concurrent: number;
  readonly concurrentRequests: number;
  /** The cache-miss case's cycle, twice over: calls and reads (equal if every call misses). */
  readonly missCycleCalls: number;
  readonly missCycleReads: number;
}

const REQUESTS_PER_SESSION = 50;
const CONCURRENT_REQUESTS = 10;

export async function countReads(table: TableConfig, warm: readonly BenchSession[], miss: readonly BenchSession[]): Promise<ReadCounts> {
  const config = benchCheckerConfig(table);
  const client = createDynamoClient(table, { env: BENCH_ENV });
  const request = (session: BenchSession) =>
    viewerRequest({ uri: '/reports/2024/q2', querystring: 'tab=summary&range=7d', cookies: [`theme=dark; ${BENCH_COOKIE}=${session.id}`] });
  const mustPass = (result: CloudFrontRequestResult) => void forwarded(result);

  const clock = { ms: Date.now() };
  const reads = countingClient(client);
  const check = createChecker(config, { db: reads, now: () => clock.ms });
  for (let r = 0; r < REQUESTS_PER_SESSION; r++) for (const s of warm) mustPass(await check(request(s)));
  const withinTtl = reads.calls;
  clock.ms += config.cacheTtlSeconds * 1000;
  for (let r = 0; r < REQUESTS_PER_SESSION; r++) for (const s of warm) mustPass(await check(request(s)));
  const nextTtl = reads.calls - withinTtl;

  const burstReads = countingClient(client);
  const burstCheck = createChecker(config, { db: burstReads });
  await Promise.all(warm.flatMap((s) => Array.from({ length: CONCURRENT_REQUESTS }, async () => mustPass(await burstCheck(request(s))))));

  const missReads = countingClient(client);
  const missCheck = createChecker(config, { db: missReads });
  const cycle = [...miss, ...miss];
  for (const s of cycle) mustPass(await missCheck(request(s)));

  return {
    sessions: warm.length,
    requestsPerSession: REQUESTS_PER_SESSION,
    withinTtl,
    nextTtl,
    concurrent: burstReads.calls,
    concurrentRequests: CONCURRENT_REQUESTS,
    missCycleCalls: cycle.length,
    missCycleReads: missReads.calls,
  };
}
