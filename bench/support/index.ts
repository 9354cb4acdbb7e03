// What bench/run.js needs from TypeScript, bundled by it into
// bench/.build/support.cjs (packages stay external).
export { benchCheckerConfig } from './bench-config.js';
export { startBenchDb, BENCH_ENV } from './bench-db.js';
export { countReads } from './read-count.js';
