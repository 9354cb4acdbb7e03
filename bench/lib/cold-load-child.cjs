'use strict';
// One cold start for bench/lib/client-choice.js: require a checker bundle,
// then serve one request with a valid session (a cache miss: one GetItem).
// Times are ms; the bundle is required before anything else is loaded.
const t0 = performance.now();
const mod = require(process.env.COGCF_BUNDLE);
const t1 = performance.now();

async function main() {
  const { viewerRequest } = require(process.env.COGCF_CF_EVENT);
  const event = viewerRequest({ uri: '/reports/2024/q2', cookie: process.env.COGCF_COOKIE });
  const t2 = performance.now();
  const result = await mod.handler(event);
  const t3 = performance.now();
  if (!result || result.status !== undefined) throw new Error(`expected the request to pass, got ${JSON.stringify(result).slice(0, 300)}`);
  process.stdout.write(JSON.stringify({ load: t1 - t0, firstCall: t3 - t2 }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
