// The closing table of `npm run bench`: cogcf against the issue's targets,
// with the peer's figures from the same run beside it.
const PEER = 'cognito-at-edge';

// Issue 2's figures for the other peer (aws-samples Auth@Edge check-auth),
// measured the same way on this machine earlier; context only, not a bar.
const AUTH_AT_EDGE = { bytes: 28599, coldVsBaselineMs: 7.7, anonymousP50us: 18, validP50us: 30 };

export const TARGETS = { bundleBytes: 21000, coldVsBaselineMs: 4, validP50Ratio: 0.1, anonymousP50Ratio: 0.5, readsPerSessionPerTtl: 1 };

const int = (x) => Math.round(x).toLocaleString('en-US');
const f2 = (x) => x.toFixed(2);
const verdict = (ok) => (ok ? 'PASS' : '**FAIL**');
const notMeasured = (figure, why) => [figure, why, '–', '–', '–', 'not measured'];

function coldRow(results, caseName) {
  const cold = (name) => results.subjects[name]?.cold?.[caseName]?.initMs?.median;
  const base = cold('baseline');
  const ours = cold('cogcf');
  const firstCall = results.subjects.cogcf?.cold?.[caseName]?.medianMs?.firstCall;
  const figure = `cold init, ${caseName} (median, vs baseline)`;
  if (base === undefined || ours === undefined) return notMeasured(figure, 'skipped');
  const peer = cold(PEER);
  const delta = ours - base;
  return [
    figure,
    `+${f2(delta)} ms (${f2(ours)} vs ${f2(base)}; 1st call ${f2(firstCall)})`,
    peer === undefined ? '–' : `+${f2(peer - base)} ms`,
    `+${AUTH_AT_EDGE.coldVsBaselineMs} ms`,
    `≤ +${TARGETS.coldVsBaselineMs} ms`,
    verdict(delta <= TARGETS.coldVsBaselineMs),
  ];
}

function warmRow(results, caseName, ratio, label, otherPeer) {
  const us = (name, c) => results.subjects[name]?.warm?.[c]?.us;
  const ours = us('cogcf', caseName);
  const peer = us(PEER, caseName);
  if (!ours || !peer) return notMeasured(label, 'skipped');
  const bar = peer.p50 * ratio;
  return [
    label,
    `${f2(ours.p50)} µs (p99 ${f2(ours.p99)})`,
    `${f2(peer.p50)} µs (p99 ${f2(peer.p99)})`,
    `${otherPeer} µs`,
    `≤ ${ratio} × peer = ${f2(bar)} µs`,
    verdict(ours.p50 <= bar),
  ];
}

/**
 * @param {object} results  the harness's results JSON
 * @param {object|undefined} reads  from countReads()
 * @param {object|undefined} shipped  `cogcf bundle`'s checker: { bytes, gzipBytes } or { unavailable }
 */
function targetRows(results, reads, shipped) {
  const rows = [];
  const bundle = results.subjects.cogcf?.bundle;
  const peerBundle = results.subjects[PEER]?.bundle;
  rows.push(
    bundle
      ? [
          'bundle, raw bytes (harness build: node20, minified)',
          `${int(bundle.bytes)} (gzip ${int(bundle.gzipBytes)})`,
          peerBundle ? `${int(peerBundle.bytes)} (gzip ${int(peerBundle.gzipBytes)})` : '–',
          int(AUTH_AT_EDGE.bytes),
          `≤ ${int(TARGETS.bundleBytes)}`,
          verdict(bundle.bytes <= TARGETS.bundleBytes),
        ]
      : notMeasured('bundle, raw bytes', 'not built'),
  );
  rows.push(
    shipped?.bytes !== undefined
      ? [
          'bundle, raw bytes (`cogcf bundle`, shipped checker/index.js)',
          `${int(shipped.bytes)} (gzip ${int(shipped.gzipBytes)})${shipped.note ? ` (${shipped.note})` : ''}`,
          '–',
          '–',
          `≤ ${int(TARGETS.bundleBytes)}`,
          verdict(shipped.bytes <= TARGETS.bundleBytes),
        ]
      : notMeasured('bundle, raw bytes (`cogcf bundle`)', shipped?.unavailable ?? 'skipped'),
  );
  rows.push(coldRow(results, 'anonymous'), coldRow(results, 'authenticated'));
  rows.push(warmRow(results, 'authenticated', TARGETS.validP50Ratio, 'warm p50, valid session (cache hit) vs valid token', AUTH_AT_EDGE.validP50us));
  rows.push(warmRow(results, 'anonymous', TARGETS.anonymousP50Ratio, 'warm p50, anonymous (302 to login)', AUTH_AT_EDGE.anonymousP50us));
  const miss = results.subjects.cogcf?.warm?.['authenticated-cache-miss']?.us;
  rows.push(
    miss
      ? [
          'warm cache miss p50 / p99: GetItem on loopback dynalite (network RTT excluded)',
          `${f2(miss.p50)} / ${f2(miss.p99)} µs`,
          '– (never does I/O after the JWKS)',
          '–',
          'reported',
          'INFO',
        ]
      : notMeasured('warm cache miss p50 / p99', 'skipped'),
  );
  if (reads) {
    const perTtl = reads.withinTtl / reads.sessions;
    const ok = reads.withinTtl === reads.sessions && reads.nextTtl === reads.sessions && reads.concurrent === reads.sessions;
    rows.push([
      'DynamoDB reads per session per container per cache TTL',
      `${f2(perTtl)} (${reads.sessions} sessions × ${reads.requestsPerSession} requests: ${reads.withinTtl} reads; next TTL: ${reads.nextTtl}; ` +
        `${reads.concurrentRequests} concurrent each: ${reads.concurrent})`,
      '0 (stateless JWT check)',
      '–',
      `= ${TARGETS.readsPerSessionPerTtl}`,
      verdict(ok),
    ]);
  } else rows.push(notMeasured('DynamoDB reads per session per container per cache TTL', 'skipped'));
  return rows;
}

function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map((_, i) => (i === 0 ? ':--' : '--:'))), ...rows.map(line)].join('\n');
}

const TARGET_HEADERS = ['figure', 'cogcf', `${PEER} (this run)`, 'Auth@Edge (issue, earlier run)', 'target', 'result'];

const NOTES =
  'Cold init counts from process start to the first response; for `authenticated` that includes one GetItem over plain HTTP ' +
  "to dynalite on loopback (in production the first read adds node:https, TLS and the round trip to the table's region). " +
  'The cache-miss figures are the client-side cost (SigV4, HTTP, JSON) plus dynalite; the network RTT is excluded.';

/** The whole closing report (markdown): targets, then the DynamoDB client choice if measured. */
export function benchReport({ results, resultsFile, reads, shipped, clientChoice, quick }) {
  const sections = [
    `# cogcf checker benchmark, ${results.when}`,
    `node ${results.node}, ${results.machine.cpus}× ${results.machine.model}; harness options ${JSON.stringify(results.options)}; full results: ${resultsFile}`,
    ...(quick ? ['**--quick: smoke-test settings (little JIT warm-up, few samples); judge the targets on a full `npm run bench`.**'] : []),
    '## Targets (issue 2)',
    markdownTable(TARGET_HEADERS, targetRows(results, reads, shipped)),
    NOTES,
  ];
  if (clientChoice) {
    const bytes = (n) => (n === undefined ? '–' : int(n));
    sections.push(
      '## DynamoDB client choice',
      markdownTable(
        ['client (same checker, harness esbuild settings)', 'bundle bytes', 'gzip -9', 'cold require (ms)', 'first call, one read (ms)'],
        [
          ...clientChoice.map((c) => [c.name, bytes(c.bytes), bytes(c.gzipBytes), f2(c.loadMs), f2(c.firstGetItemMs)]),
          ['aws4 1.13.2 signer alone (measured earlier by the lead)', '8,450', '–', '3.70', '–'],
        ],
      ),
      `Medians of ${clientChoice[0].runs} fresh processes each; the read goes to dynalite on loopback over plain HTTP.`,
    );
  }
  return sections.join('\n\n') + '\n';
}
