// The shipped bundles behind the emulator, over real HTTP: `cogcf bundle`
// (the built CLI) bakes a config for this emulator's address, dynalite and
// the local Cognito stand-in, and a viewer signs in and reaches the origin
// with identity headers, as it would through CloudFront.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../../cli/run-bin.js';
import { CookieJar, LOCAL_USER_POOL_ID, startCognitoIdp, type CognitoIdp } from '../../support/cognito-idp.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';
import { startEdge, startOrigin, type Edge, type RecordingOrigin } from './harness.js';
import { rawRequest } from '../../support/raw-http.js';

const COOKIE = '__Host-cogcf-session';
const ALICE = { email: 'alice@example.com', password: 'correct horse', groups: ['staff'] };

interface Handlers {
  checker: (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
  manager: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

describe('edge emulator with the built bundles', () => {
  let db: SessionDb;
  let idp: CognitoIdp;
  let origin: RecordingOrigin;
  let edge: Edge;
  let out: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    db = await startSessionDb();
    origin = await startOrigin();
    // The emulator's address goes into the baked config, so it starts first and loads the bundles after.
    let loaded: Handlers | undefined;
    edge = await startEdge(origin.url, { checker: (event) => loaded!.checker(event), manager: (event) => loaded!.manager(event) });
    idp = await startCognitoIdp({
      users: [ALICE],
      clientId: 'edgeemulatorclient',
      redirectUris: [`${edge.url}/_identity/auth`],
      logoutUris: [`${edge.url}/`],
    });
    out = mkdtempSync(join(tmpdir(), 'cogcf-edge-'));
    const configPath = join(out, 'barrier.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        domains: [edge.url],
        cognito: { userPoolId: LOCAL_USER_POOL_ID, clientId: idp.clientId, domain: idp.url, jwksUri: idp.jwksUri },
        sessionTable: { name: db.table.name, region: db.table.region, endpoint: db.endpoint },
        checker: { cacheTtlSeconds: 0 },
      }),
    );
    const bundled = runBin('cogcf', ['bundle', '--config', configPath, '--out', join(out, 'build'), '--json']);
    expect(bundled.status, bundled.transcript).toBe(0);
    Object.assign(process.env, TEST_ENV);
    const load = createRequire(import.meta.url);
    loaded = {
      checker: (load(join(out, 'build', 'checker', 'index.js')) as { handler: Handlers['checker'] }).handler,
      manager: (load(join(out, 'build', 'manager', 'index.js')) as { handler: Handlers['manager'] }).handler,
    };
  });

  afterAll(async () => {
    process.env = savedEnv;
    await edge?.close();
    await idp?.close();
    await origin?.close();
    await db?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('signs a viewer in through both behaviours and lets the origin see who it is', async () => {
    const site = new CookieJar();
    const get = async (path: string, headers: string[] = []) => {
      const cookie = site.header();
      const reply = await rawRequest(edge.url, path, { headers: cookie ? ['Cookie', cookie, ...headers] : headers });
      site.store(reply.values('set-cookie'));
      return reply;
    };

    const anonymous = await get('/reports/q2?tab=summary');
    expect(anonymous.status).toBe(302);
    const loginPath = anonymous.values('location')[0]!;
    expect(loginPath).toBe(`/_identity/login?path=${encodeURIComponent('/reports/q2?tab=summary')}`);

    const login = await get(loginPath);
    expect(login.status).toBe(302);
    expect(site.get(`${COOKIE}-login`)).toBeTruthy();
    const authorize = new URL(login.values('location')[0]!);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${edge.url}/_identity/auth`);

    const callbackUrl = await idp.signIn(authorize, { username: ALICE.email, password: ALICE.password });
    expect(callbackUrl.origin).toBe(edge.url);
    const callback = await get(callbackUrl.pathname + callbackUrl.search);
    expect(callback.status).toBe(302);
    expect(callback.values('location')).toEqual([`${edge.url}/reports/q2?tab=summary`]);
    const sessionId = site.get(COOKIE)!;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Our cookie in its own Cookie line beside another one, and a forged identity.
    const page = await rawRequest(edge.url, '/reports/q2?tab=summary', {
      headers: ['Cookie', 'theme=dark', 'Cookie', `${COOKIE}=${sessionId}`, 'X-Barrier-User-Email', 'mallory@example.com'],
    });
    expect(page.text).toBe('from the origin');
    const seen = origin.requests.at(-1)!;
    expect(seen.url).toBe('/reports/q2?tab=summary');
    expect(seen.values('x-barrier-user-email')).toEqual([ALICE.email]);
    expect(seen.values('x-barrier-groups')).toEqual(['staff']);
    expect(seen.values('x-barrier-user-sub')).toEqual([idp.users[0]!.sub]);
    expect(seen.values('cookie')).toEqual(['theme=dark']);
    expect(seen.rawHeaders.join('\n')).not.toContain(sessionId);

    const session = await get('/_identity/session');
    expect(session.status).toBe(200);
    expect(JSON.parse(session.text)).toMatchObject({ email: ALICE.email, groups: ['staff'] });
  });
});
