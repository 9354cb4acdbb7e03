// `npm run bench`: the cogcf session checker measured beside the peer
// cognito-at-edge 1.5.5 and the empty baseline, in one run of the shared peer
// harness (../shared/bench/peer), then checked against issue 2's targets.
//
//   node bench/run.js [--quick] [--skip-client-choice] [harness options: --cold-runs 20 --iterations 20000 …]
//
// 1. copies the harness into bench/.peer/ and installs it (npm ci, only when its lockfile changed);
// 2. starts the session table (dynalite on 127.0.0.1) and seeds it, generates the checker entry
//    with that endpoint baked in (bench/.build/), and runs the harness with
//    `--subjects baseline,cognito-at-edge,bench/subjects/cogcf.cjs`: one build, interleaved measurements;
// 3. counts the checker's DynamoDB reads, measures the DynamoDB client choice, and prints the
//    targets table, also written to bench/results/latest.md (the harness JSON sits beside it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { CHECKER_SOURCE, REPO, writeCheckerEntry } from './lib/checker-entry.js';
import { measureClientChoice } from './lib/client-choice.js';
import { BenchSetupError, preparePeerHarness } from './lib/peer-harness.js';
import { measureShippedChecker } from './lib/shipped-bundle.js';
import { benchReport } from './lib/summary.js';

const BENCH = import.meta.dirname;
const BUILD = path.join(BENCH, '.build');
const RESULTS = path.join(BENCH, 'results');
const PEER_SOURCE = process.env.COGCF_PEER_BENCH ?? path.resolve(REPO, '..', 'shared', 'bench', 'peer');
const PEER_WORK = path.join(BENCH, '.peer');
const SUBJECT = path.join(BENCH, 'subjects', 'cogcf.cjs');
// What the subject reads (bench/subjects/cogcf.cjs).
const ENTRY = path.join(BUILD, 'cogcf-entry.mjs');
const FIXTURES = path.join(BUILD, 'cogcf-fixtures.json');

// The harness's own quick settings (its `npm run bench:quick`).
const QUICK = ['--cold-runs', '5', '--cold-discard', '1', '--iterations', '2000', '--warmup', '500', '--rounds', '1'];
const OWN_FLAGS = new Set(['--quick', '--skip-client-choice']);
const SET_HERE = ['--subjects', '--out'];

const log = (msg) => console.log(msg);

function harnessArgs(argv) {
  for (const a of argv) {
    if (SET_HERE.some((f) => a === f || a.startsWith(`${f}=`))) throw new BenchSetupError(`${a} is set by bench/run.js; drop it`);
  }
  return [...(argv.includes('--quick') ? QUICK : []), ...argv.filter((a) => !OWN_FLAGS.has(a))];
}

/** The support code is TypeScript (it reuses runtime/ and the test helpers): bundle it for this process. */
async function loadSupport() {
  const outfile = path.join(BUILD, 'support.cjs');
  await esbuild.build({
    entryPoints: [path.join(BENCH, 'support', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return createRequire(import.meta.url)(outfile);
}

function runHarness(peerDir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(peerDir, 'bench.js'), ...args], { cwd: peerDir, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`the peer harness failed (exit ${code ?? signal})`))));
  });
}

/** The read-count check, logged; fails if the cache-miss case would not miss on every call. */
async function countReads(support, db, sessions, ttlSeconds) {
  log("\nDynamoDB reads, counted at the checker's client (runtime source, bench config, a clock moved past the TTL):");
  const reads = await support.countReads(db.table, sessions.warm, sessions.miss);
  log(
    `  ${reads.sessions} sessions × ${reads.requestsPerSession} requests: ${reads.withinTtl} reads; after ${ttlSeconds} s: ${reads.nextTtl} more; ` +
      `${reads.concurrentRequests} concurrent requests per uncached session: ${reads.concurrent} reads`,
  );
  log(`  the cache-miss case's cycle (${sessions.miss.length} sessions, twice): ${reads.missCycleCalls} calls, ${reads.missCycleReads} reads`);
  if (reads.missCycleReads !== reads.missCycleCalls) {
    throw new Error('the cache-miss case does not miss on every call: its figures would be mislabelled');
  }
  return reads;
}

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const passThrough = harnessArgs(argv);
  if (!fs.existsSync(CHECKER_SOURCE)) throw new BenchSetupError(`${path.relative(REPO, CHECKER_SOURCE)} is missing: nothing to measure`);

  const peerDir = preparePeerHarness(PEER_SOURCE, PEER_WORK, log);
  const support = await loadSupport();

  const { db, sessions } = await support.startBenchDb();
  try {
    const config = support.benchCheckerConfig(db.table);
    writeCheckerEntry(ENTRY, config);
    fs.writeFileSync(FIXTURES, JSON.stringify({ ...sessions, env: support.BENCH_ENV }));
    log(`session table: dynalite at ${db.endpoint}, ${sessions.warm.length} + ${sessions.miss.length} sessions seeded`);

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const out = path.join(RESULTS, `bench-${stamp}.json`);
    await runHarness(peerDir, ['--subjects', `baseline,cognito-at-edge,${SUBJECT}`, '--out', out, ...passThrough]);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));

    const reads = await countReads(support, db, sessions, config.cacheTtlSeconds);

    let clientChoice;
    if (!argv.includes('--skip-client-choice')) {
      log('\nmeasuring the DynamoDB client choice (fresh processes)…');
      clientChoice = await measureClientChoice({
        entry: ENTRY,
        outDir: BUILD,
        peerDir,
        cookie: `theme=dark; ${config.cookie.name}=${sessions.warm[0].id}`,
        endpoint: db.endpoint,
        env: support.BENCH_ENV,
        runs: quick ? 3 : 10,
      });
    }

    const markdown = benchReport({ results, resultsFile: path.basename(out), reads, shipped: measureShippedChecker(), clientChoice, quick });
    log('\n' + markdown);
    fs.writeFileSync(path.join(RESULTS, 'latest.md'), markdown);
    log(`written: ${path.relative(process.cwd(), path.join(RESULTS, 'latest.md'))}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof BenchSetupError ? `bench: ${err.message}` : err);
  process.exit(1);
});
