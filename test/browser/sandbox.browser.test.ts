// The sandbox (`cogcf dev`'s exact stack and bundles) driven by a real
// browser: Debian Chromium through playwright-core.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../runtime/core/dynamo.js';
import { SANDBOX_DB_ENV, readSandboxState } from '../../src/dev/sandbox-state.js';
import { startSandbox, type Sandbox } from '../../src/dev/sandbox.js';
import { ROOT, runBinAsync } from '../cli/run-bin.js';
import { launchBrowser } from '../support/browser.js';

const ALICE = { email: 'alice@example.com', password: 'alice-pass', groups: ['admins'] };
const BOB = { email: 'bob@example.com', password: 'bob-pass' };
// Screenshots for the README go to snapshots/ when asked for, else to .out/.
const SCREENSHOTS = process.env.COGCF_UPDATE_SCREENSHOTS ? join(ROOT, 'snapshots', 'screenshots') : join(ROOT, '.out', 'screenshots');

/** An origin that answers with what it received, like a user's own app behind `--origin`. */
interface EchoApp {
  readonly url: string;
  readonly requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startEchoApp(): Promise<EchoApp> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>echo</title><h1 id=who>${String(req.headers['x-barrier-user-email'] ?? 'nobody')}</h1><p id=target>${req.url}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Reloads until the origin stops receiving `handle`, or `seconds` pass; the
 * barrier's cache TTL bounds how long that may take. The reload is sent to
 * the login route, and the hosted UI's own session (as Cognito's does: a
 * revoked barrier session does not end it) signs the viewer straight back in
 * with a new session.
 */
async function reloadUntilOriginDrops(page: Page, echo: EchoApp, handle: string, seconds: number): Promise<{ dropped: boolean; seen: string[] }> {
  const seen: string[] = [];
  const watch = (response: { url(): string; status(): number }) => void seen.push(`${response.status()} ${new URL(response.url()).pathname}`);
  page.on('response', watch);
  try {
    for (const until = Date.now() + seconds * 1000; Date.now() < until; ) {
      const from = echo.requests.length;
      await page.reload();
      const reached = echo.requests.slice(from).map((r) => r.headers['x-barrier-session']);
      if (reached.length > 0 && !reached.includes(handle)) return { dropped: true, seen };
      await page.waitForTimeout(250);
    }
    return { dropped: false, seen };
  } finally {
    page.off('response', watch);
  }
}

const sessionHandle = async (page: Page): Promise<string> =>
  ((await (await page.request.get(new URL('/_identity/session', page.url()).href)).json()) as { handle: string }).handle;

describe('the sandbox in a real browser', () => {
  let stateDir: string;
  let echo: EchoApp;
  let sandbox: Sandbox;
  let gated: Sandbox | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  const savedStateDir = process.env.COGCF_STATE_DIR;
  const logs: string[] = [];

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'cogcf-browser-state-'));
    process.env.COGCF_STATE_DIR = stateDir;
    echo = await startEchoApp();
    sandbox = await startSandbox({
      port: 0,
      users: [ALICE, BOB],
      origin: { kind: 'proxy', url: echo.url },
      cacheTtlSeconds: 2,
      publicPaths: ['/public/*'],
      allowedGroups: [],
      log: (line) => logs.push(line),
    });
    browser = await launchBrowser();
    context = browser.context;
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gated?.close();
    await sandbox?.close();
    await echo?.close();
    if (savedStateDir === undefined) delete process.env.COGCF_STATE_DIR;
    else process.env.COGCF_STATE_DIR = savedStateDir;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('signs in through the login page and lands on the deep link, with identity headers the client cannot forge', async () => {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'x-barrier-user-email': 'mallory@example.com', 'x-barrier-groups': 'admins' });
    await page.goto(`${sandbox.url}/reports/q2?tab=summary&range=7d`);
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'login-page.png') });

    await signIn(page, { email: ALICE.email, password: 'wrong password' });
    await expect.poll(() => page.getByText('Incorrect username or password.').isVisible()).toBe(true);

    await signIn(page, ALICE);
    await page.waitForURL(`${sandbox.url}/reports/q2?tab=summary&range=7d`);
    expect(await page.locator('#who').textContent()).toBe(ALICE.email);
    expect(await page.locator('#target').textContent()).toBe('/reports/q2?tab=summary&range=7d');

    const seen = echo.requests.find((r) => r.url === '/reports/q2?tab=summary&range=7d')!;
    expect(seen.headers['x-barrier-user-email']).toBe(ALICE.email);
    expect(seen.headers['x-barrier-groups']).toBe('admins');
    expect(seen.headers['x-barrier-session']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Our cookies never reach the origin, and neither does anything the client claimed.
    expect(String(seen.headers.cookie ?? '')).not.toContain('__Host-cogcf');
    expect(echo.requests.every((r) => r.headers['x-barrier-user-email'] !== 'mallory@example.com')).toBe(true);
    await page.close();
  });

  it('tells a single-page app who is signed in, and signs out for real', async () => {
    const page = await context.newPage();
    const info = await page.goto(`${sandbox.url}/_identity/session`);
    expect(info!.status()).toBe(200);
    expect(await info!.json()).toMatchObject({ email: ALICE.email, groups: ['admins'] });

    await page.goto(`${sandbox.url}/_identity/logout`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Cognito's /logout sends the browser back to the site, which wants a sign-in again.
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const after = await page.goto(`${sandbox.url}/reports/q2`);
    expect(new URL(after!.url()).pathname).not.toBe('/reports/q2');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect((await page.goto(`${sandbox.url}/_identity/session`))!.status()).toBe(401);

    // The back button shows no signed-in page from the browser's cache.
    await page.goto(`${sandbox.url}/reports/q2`);
    await page.goBack();
    await page.goBack();
    expect(await page.locator('#who').count()).toBe(0);
    await page.close();
  });

  it('stops letting a session in within the cache TTL after `cogcf revoke --sandbox`', async () => {
    const page = await context.newPage();
    await page.goto(`${sandbox.url}/docs/a`);
    await signIn(page, BOB);
    await page.waitForURL(`${sandbox.url}/docs/a`);
    expect(await page.locator('#who').textContent()).toBe(BOB.email);

    const listed = await runBinAsync('cogcf', ['sessions', '--sandbox', '--json'], { COGCF_STATE_DIR: stateDir });
    expect(listed.status, listed.transcript).toBe(0);
    const sessions = (JSON.parse(listed.stdout) as { sessions: { handle: string; email: string }[] }).sessions;
    const bobs = sessions.filter((s) => s.email === BOB.email);
    expect(bobs).toHaveLength(1);
    expect(bobs[0]!.handle).toBe(await sessionHandle(page));
    const revoked = await runBinAsync('cogcf', ['revoke', bobs[0]!.handle, '--sandbox'], { COGCF_STATE_DIR: stateDir });
    expect(revoked.status, revoked.transcript).toBe(0);

    // --cache-ttl 2: within that (plus a reload) the next request goes to the login route.
    const reloads = await reloadUntilOriginDrops(page, echo, bobs[0]!.handle, 10);
    expect(reloads.dropped, `responses: ${reloads.seen.join(' ')}`).toBe(true);
    expect(await sessionHandle(page)).not.toBe(bobs[0]!.handle);
    await page.close();
  });

  it('serves a public path without a sign-in', async () => {
    const page = await context.newPage();
    await context.clearCookies();
    const response = await page.goto(`${sandbox.url}/public/terms.html`);
    expect(response!.status()).toBe(200);
    expect(await page.locator('#who').textContent()).toBe('nobody');
    await page.close();
  });

  it('keeps two tabs signed in together, and lets two sign-ins run in parallel', async () => {
    await context.clearCookies();
    const [one, two] = [await context.newPage(), await context.newPage()];
    await one.goto(`${sandbox.url}/tab/one`);
    await two.goto(`${sandbox.url}/tab/two`);
    await signIn(two, ALICE);
    await signIn(one, ALICE);
    await one.waitForURL(`${sandbox.url}/tab/one`);
    await two.waitForURL(`${sandbox.url}/tab/two`);
    expect(await one.locator('#who').textContent()).toBe(ALICE.email);
    expect(await two.locator('#who').textContent()).toBe(ALICE.email);
    await two.reload();
    expect(await two.locator('#who').textContent()).toBe(ALICE.email);
    await Promise.all([one.close(), two.close()]);
  });

  it('sends an expired session back to the login page', async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${sandbox.url}/expiring`);
    await signIn(page, BOB);
    await page.waitForURL(`${sandbox.url}/expiring`);
    const before = await sessionHandle(page);
    // Expire every session in the table the way time would; DynamoDB TTL may not have deleted the row yet.
    const { table } = await readSandboxState();
    const db = createDynamoClient(table, { env: SANDBOX_DB_ENV });
    const rows = (await db.call('Scan', { TableName: table.name })).Items as { pk: { S: string } }[];
    for (const row of rows) {
      await db.call('UpdateItem', {
        TableName: table.name,
        Key: { pk: row.pk },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: '1' } },
      });
    }
    const reloads = await reloadUntilOriginDrops(page, echo, before, 10);
    expect(reloads.dropped, `responses: ${reloads.seen.join(' ')}`).toBe(true);
    expect(await sessionHandle(page)).not.toBe(before);
    await page.close();
  });

  it('shows the demo site, and a 403 page (not a login loop) to a user outside the allowed group', async () => {
    gated = await startSandbox({
      port: 0,
      users: [ALICE, BOB],
      origin: { kind: 'demo' },
      publicPaths: ['/favicon.ico', '/assets/*'],
      allowedGroups: ['admins'],
      log: (line) => logs.push(line),
    });
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${gated.url}/`);
    await signIn(page, ALICE);
    await page.waitForURL(`${gated.url}/`);
    await expect.poll(() => page.getByText(`Signed in as ${ALICE.email}`).isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-site.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);

    await signIn(page, BOB);
    await expect.poll(() => page.getByText('Access denied').isVisible()).toBe(true);
    expect(await page.title()).toBe('Forbidden');
    const again = await page.goto(`${gated.url}/docs/x`);
    expect(again!.status()).toBe(403);
    await page.close();
  });
});
