// The figures behind the choice of DynamoDB client (README, "why this
// DynamoDB client"): the same checker bundled with the harness's esbuild
// settings, once with our SigV4 client over node:http(s) and once with
// @aws-sdk/client-dynamodb in its place; bytes, gzip, and cold `require` and
// first-GetItem times in fresh processes, interleaved, beside the floor that
// node:http itself sets for a first request.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { REPO } from './checker-entry.js';

const CHILD = path.join(import.meta.dirname, 'cold-load-child.cjs');
const HTTP_FLOOR = path.join(import.meta.dirname, 'http-floor.cjs');
const SDK_CLIENT = path.join(REPO, 'bench', 'support', 'sdk-dynamo-client.ts');
const RUNTIME = path.join(REPO, 'runtime') + path.sep;

/** Points the checker's `../core/dynamo.js` import at the SDK-based client. */
const sdkClientInstead = {
  name: 'sdk-client-instead',
  setup(build) {
    build.onResolve({ filter: /\/dynamo\.js$/ }, (args) => (args.importer.startsWith(RUNTIME) ? { path: SDK_CLIENT } : undefined));
  },
};

function coldStart(bundle, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...env, COGCF_BUNDLE: bundle }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(Buffer.concat(out).toString())) : reject(new Error(`cold start of ${bundle} failed: ${Buffer.concat(err)}`)),
    );
  });
}

/**
 * @param {object} o
 * @param {string} o.entry       the generated checker entry
 * @param {string} o.outDir      where the two bundles go
 * @param {string} o.peerDir     the harness: its esbuild options, event builder and statistics are used
 * @param {string} o.cookie      a Cookie header with a valid session
 * @param {string} o.endpoint    the table endpoint (for the floor)
 * @param {object} o.env         credentials for the clients
 * @param {number} o.runs        cold starts per variant
 */
export async function measureClientChoice({ entry, outDir, peerDir, cookie, endpoint, env, runs }) {
  const requirePeer = createRequire(path.join(peerDir, 'package.json'));
  const { ESBUILD_OPTIONS } = requirePeer('./build.js');
  const { median } = requirePeer('./lib/stats.js');
  const variants = [
    { name: 'cogcf SigV4 client over node:http(s)', plugins: [] },
    { name: '@aws-sdk/client-dynamodb 3.1164.0', plugins: [sdkClientInstead] },
  ];
  for (const [i, v] of variants.entries()) {
    v.bundle = path.join(outDir, `client-choice-${i}.cjs`);
    await esbuild.build({ ...ESBUILD_OPTIONS, metafile: false, entryPoints: [entry], outfile: v.bundle, plugins: v.plugins });
    const code = fs.readFileSync(v.bundle);
    v.bytes = code.length;
    v.gzipBytes = zlib.gzipSync(code, { level: 9 }).length;
  }
  variants.push({ name: 'floor: node:http + one unsigned POST, no checker', bundle: HTTP_FLOOR });
  for (const v of variants) v.samples = [];
  // Like the harness: no CA bundle parsing at boot, no inherited NODE_OPTIONS, no SDK Node-version warning.
  const childEnv = { ...process.env, ...env, COGCF_CF_EVENT: path.join(peerDir, 'lib', 'cf-event.js'), COGCF_COOKIE: cookie, COGCF_ENDPOINT: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete childEnv.NODE_EXTRA_CA_CERTS;
  delete childEnv.NODE_OPTIONS;
  for (let r = -1; r < runs; r++) {
    for (const v of variants) {
      const sample = await coldStart(v.bundle, childEnv);
      if (r >= 0) v.samples.push(sample); // the first round only warms the page cache
    }
  }
  return variants.map((v) => ({
    name: v.name,
    bytes: v.bytes,
    gzipBytes: v.gzipBytes,
    loadMs: median(v.samples.map((s) => s.load)),
    firstGetItemMs: median(v.samples.map((s) => s.firstCall)),
    runs,
  }));
}
