// `--site <dir>` against real HTTP: files with their types, index.html for
// folders, no listings, and nothing outside the folder however it is asked for.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOrigin } from '../../../src/dev/origin/index.js';
import { startStaticSite } from '../../../src/dev/origin/static-site.js';
import { rawRequest } from '../../support/raw-http.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-SITE';

describe('static site', () => {
  let base: string;
  let root: string;
  let site: RunningOrigin;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'cogcf-static-'));
    root = join(base, 'site');
    writeFileSync(join(base, 'secret.txt'), SECRET);
    mkdirSync(join(base, 'site-private'));
    writeFileSync(join(base, 'site-private', 'secret.txt'), SECRET);
    for (const dir of ['docs', 'empty', '.git', '.well-known']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>');
    writeFileSync(join(root, 'empty', 'listed-if-listing.txt'), 'x');
    writeFileSync(join(root, 'style.css'), 'body{}');
    writeFileSync(join(root, 'app.mjs'), 'export {}');
    writeFileSync(join(root, 'data.json'), '{}');
    writeFileSync(join(root, 'logo.SVG'), '<svg/>');
    writeFileSync(join(root, 'blob.bin'), Buffer.from([0, 1, 2]));
    writeFileSync(join(root, 'café menu.txt'), 'menu');
    writeFileSync(join(root, '.env'), SECRET);
    writeFileSync(join(root, '.git', 'config'), SECRET);
    writeFileSync(join(root, '.well-known', 'security.txt'), 'Contact: x');
    symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(base, join(root, 'escape-dir'));
    symlinkSync('style.css', join(root, 'alias.css'));
    site = await startStaticSite(root);
  });
  afterAll(async () => {
    await site.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('serves index.html for the root and for folders', async () => {
    const home = await rawRequest(site.url, '/?utm=1');
    expect([home.status, home.text, home.headers['content-type']]).toEqual([200, '<h1>home</h1>', 'text/html; charset=utf-8']);
    expect((await rawRequest(site.url, '/docs/')).text).toBe('<h1>docs</h1>');
  });

  it('redirects a folder without its slash to the slashed URL, keeping the query', async () => {
    const res = await rawRequest(site.url, '/docs?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/docs/?x=1');
    // `//host` must not become a redirect to another site.
    const doubled = await rawRequest(site.url, '//docs');
    expect(doubled.headers.location).toBe('/docs/');
  });

  it('sends content types by extension, octet-stream otherwise, never sniffed', async () => {
    const types: Record<string, string> = {
      '/style.css': 'text/css; charset=utf-8',
      '/app.mjs': 'text/javascript; charset=utf-8',
      '/data.json': 'application/json; charset=utf-8',
      '/logo.SVG': 'image/svg+xml',
      '/blob.bin': 'application/octet-stream',
      '/alias.css': 'text/css; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await rawRequest(site.url, path);
      expect([path, res.status, res.headers['content-type'], res.headers['x-content-type-options']]).toEqual([path, 200, type, 'nosniff']);
    }
    expect((await rawRequest(site.url, '/blob.bin')).body).toEqual(Buffer.from([0, 1, 2]));
  });

  it('decodes percent-encoded names and serves .well-known', async () => {
    expect((await rawRequest(site.url, '/caf%C3%A9%20menu.txt')).text).toBe('menu');
    expect((await rawRequest(site.url, '/.well-known/security.txt')).text).toBe('Contact: x');
  });

  it('answers HEAD with the headers only, and other methods with 405', async () => {
    const head = await rawRequest(site.url, '/style.css', { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '6', 0]);
    const put = await rawRequest(site.url, '/style.css', { method: 'PUT', body: 'x' });
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('lists no folder: a folder without index.html is a 404 page', async () => {
    const res = await rawRequest(site.url, '/empty/');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('listed-if-listing');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await rawRequest(site.url, '/missing.html')).status).toBe(404);
  });

  it('escapes the requested path on its 404 page', async () => {
    const res = await rawRequest(site.url, '/%3Cscript%3Ex%3C/script%3E/<img>');
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/<script|<img/);
  });

  it.each([
    '/../secret.txt',
    '/docs/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/docs/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/..\\secret.txt',
    '/docs\\..\\..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/..%c0%afsecret.txt',
    '/secret.txt%00.html',
    '/%2fetc%2fpasswd',
    '/%2Fsecret.txt',
    '//etc/passwd',
    'http://localhost/../secret.txt',
    '/escape.txt',
    '/escape-dir/secret.txt',
    '/escape-dir/site-private/secret.txt',
    '/../site-private/secret.txt',
    '/.env',
    '/.git/config',
    '/%2eenv',
  ])('refuses %s with 404 and shows nothing from outside', async (path) => {
    const res = await rawRequest(site.url, path);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SECRET);
  });

  it('refuses the absolute path of a file outside the folder, however it is spelled', async () => {
    const outside = join(base, 'secret.txt');
    for (const path of [outside, `/${encodeURIComponent(outside)}`, `/${outside.replaceAll('/', '%5c')}`, `/${outside}`]) {
      const res = await rawRequest(site.url, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).not.toContain(SECRET);
    }
  });

  it('never answers with anything from outside the folder, for any path made of traversal pieces', async () => {
    const piece = fc.constantFrom('..', '.', '%2e', '%2E', '%2f', '%2F', '%5c', '\\', '/', '%00', 'docs', 'escape-dir', 'secret.txt', 'site-private', '%252e');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 10 }), async (pieces) => {
        const res = await rawRequest(site.url, `/${pieces.join('')}`);
        expect(res.text).not.toContain(SECRET);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to start on a folder that does not exist, or a file', async () => {
    await expect(startStaticSite(join(base, 'nope'))).rejects.toMatchObject({ code: 'ERR_USAGE', exitCode: 2 });
    await expect(startStaticSite(join(base, 'secret.txt'))).rejects.toMatchObject({
      code: 'ERR_USAGE',
      message: expect.stringContaining('is not a folder'),
    });
  });
});
