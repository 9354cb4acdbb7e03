// The checker config the benchmark bakes into its bundle: the checker
// settings of the README's example barrier config (public paths, one path
// rule), with the session table on a local dynalite.
import type { CheckerConfig, TableConfig } from '../../runtime/core/config.js';

export const BENCH_COOKIE = '__Host-cogcf-session';

/**
 * The cache is smaller than the example's 10,000 entries so that the
 * cache-miss case can cycle through more sessions than it holds (every call a
 * GetItem) with a table that seeds in a second; a hit costs the same either
 * way (one Map lookup).
 */
export const BENCH_CACHE_MAX_ENTRIES = 1000;

export const benchCheckerConfig = (table: TableConfig): CheckerConfig => ({
  table,
  cookie: { name: BENCH_COOKIE },
  loginPath: '/_identity/login',
  cacheTtlSeconds: 30,
  negativeCacheTtlSeconds: 5,
  cacheMaxEntries: BENCH_CACHE_MAX_ENTRIES,
  lookupTimeoutMs: 2000,
  publicPaths: ['/favicon.ico', '/assets/*'],
  allowedGroups: [],
  pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }],
});
