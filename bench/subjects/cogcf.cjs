'use strict';
// Harness subject (see bench/.peer/README.md "Adding our product"): the cogcf
// session checker, built from runtime/checker/checker.ts with the benchmark's
// config baked in. bench/run.js prepares what this file reads, in
// bench/.build/: the generated entry (createChecker with a literal config whose
// table is a dynalite on 127.0.0.1 that run.js keeps running for the whole
// harness run) and the seeded sessions. Events use the peer's event builder,
// URI, query string and unrelated cookies, so only the auth cookie differs.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const BUILD = path.join(__dirname, '..', '.build');
const ENTRY = path.join(BUILD, 'cogcf-entry.mjs');
const FIXTURES = path.join(BUILD, 'cogcf-fixtures.json');
const { viewerRequest, UNRELATED_COOKIES } = require(path.join(__dirname, '..', '.peer', 'lib', 'cf-event.js'));

const COOKIE = '__Host-cogcf-session';
const URI = '/reports/2024/q2';
const QS = 'tab=summary&range=7d';
const LOGIN_LOCATION = `/_identity/login?path=${encodeURIComponent(`${URI}?${QS}`)}`;

const withSession = (id) => [...UNRELATED_COOKIES.slice(0, 2), `${COOKIE}=${id}`, ...UNRELATED_COOKIES.slice(2)].join('; ');
const header = (headers, name) => headers && headers[name] && headers[name][0] && headers[name][0].value;
const show = (result) => JSON.stringify(result).slice(0, 400);

// Set by prepare() in every measured process; checks need the seeded sessions.
let fixtures;

/** The session an event presented: the harness numbers events through the request id. */
const seqOf = (event) => Number(event.Records[0].cf.config.requestId.slice(-7));

function expectLoginRedirect(result, { clearsCookie }) {
  if (!result || result.status !== '302' || header(result.headers, 'location') !== LOGIN_LOCATION) {
    throw new Error(`expected 302 to ${LOGIN_LOCATION}, got ${show(result)}`);
  }
  if (header(result.headers, 'cache-control') !== 'no-store') throw new Error(`login redirect without no-store: ${show(result)}`);
  const setCookie = header(result.headers, 'set-cookie');
  if (clearsCookie ? !(setCookie && setCookie.startsWith(`${COOKIE}=;`)) : setCookie !== undefined) {
    throw new Error(`login redirect ${clearsCookie ? 'does not clear' : 'touches'} the cookie: ${show(result)}`);
  }
}

function expectForwarded(result, event, session) {
  const request = event.Records[0].cf.request;
  if (result !== request || result.status !== undefined) throw new Error(`expected the request to be forwarded, got ${show(result)}`);
  if (header(request.headers, 'x-barrier-session') !== session.handle || header(request.headers, 'x-barrier-user-sub') !== session.sub) {
    throw new Error(`forwarded without the identity of session ${session.handle}: ${show(request.headers)}`);
  }
  if (header(request.headers, 'cookie') !== UNRELATED_COOKIES.join('; ')) {
    throw new Error(`the origin must get the other cookies and not ours: ${show(request.headers.cookie)}`);
  }
}

const sessionCase = (what, pool) => ({
  what,
  event: (fx, i) => viewerRequest({ uri: URI, querystring: QS, cookie: withSession(fx[pool][i % fx[pool].length].id), seq: i }),
  check(result, event) {
    const sessions = fixtures[pool];
    expectForwarded(result, event, sessions[seqOf(event) % sessions.length]);
  },
});

module.exports = {
  name: 'cogcf',
  get version() {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  },
  what: 'cogcf checker: opaque session id → DynamoDB GetItem (dynalite on 127.0.0.1) + in-memory TTL cache',
  entry: ENTRY,
  async makeFixtures() {
    if (!fs.existsSync(FIXTURES) || !fs.existsSync(ENTRY)) {
      throw new Error(`${FIXTURES} missing: run the benchmark through bench/run.js (npm run bench), which starts the session table`);
    }
    return JSON.parse(fs.readFileSync(FIXTURES, 'utf8'));
  },
  prepare(mod, fx) {
    if (typeof mod.handler !== 'function') throw new Error('the cogcf bundle does not export handler');
    // What Lambda sets for the function's role; the client reads them per call.
    Object.assign(process.env, fx.env);
    fixtures = fx;
  },
  async selfTest(mod, fx) {
    const present = async (id) => mod.handler(viewerRequest({ uri: URI, querystring: QS, cookie: withSession(id) }));
    expectLoginRedirect(await present(randomBytes(32).toString('base64url')), { clearsCookie: true });
    expectLoginRedirect(await present(fx.loginRowId), { clearsCookie: true });
    expectLoginRedirect(await present(fx.expiredId), { clearsCookie: true });
  },
  cases: {
    anonymous: {
      what: 'no cookies -> 302 to /_identity/login?path=<uri?qs>',
      event: (fx, i) => viewerRequest({ uri: URI, querystring: QS, seq: i }),
      check: (result) => expectLoginRedirect(result, { clearsCookie: false }),
    },
    authenticated: sessionCase('valid session, cached after its first call -> forwarded with identity headers', 'warm'),
    'authenticated-cache-miss': sessionCase(
      'valid session never in the cache (cycles through more sessions than it holds) -> GetItem on loopback dynalite, forwarded',
      'miss',
    ),
  },
};
