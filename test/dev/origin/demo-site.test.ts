// The demo site against real HTTP on 127.0.0.1: it shows the identity the
// barrier sends, decoded as the README says, and never as markup.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSite } from '../../../src/dev/origin/demo-site.js';
import type { RunningOrigin } from '../../../src/dev/origin/index.js';
import { rawRequest } from '../../support/raw-http.js';

// Header values as the checker sends them: percent-encoded outside printable
// ASCII, a comma inside a group name encoded, the separating comma not.
const ALICE = {
  'x-barrier-session': 'Xq3v9Wf0bJt2Lk8sPz1mN4rYc7uAe6dHg5iKo0pQwRs',
  'x-barrier-user-sub': '6f1c2a9e-1b7d-4c3e-9a57-0d2f8e4b6a13',
  'x-barrier-user-email': 'Jos%C3%A9.%C3%91%C3%BA%C3%B1ez@ex%C3%A4mple.com',
  'x-barrier-groups': 'admins,R&D%2C Europe',
};

const SIGN_OUT_FORM = /<form method=post action="\/_identity\/logout"><button type=submit>Sign out<\/button><\/form>/g;

describe('demo site', () => {
  let site: RunningOrigin;
  beforeAll(async () => {
    site = await startDemoSite();
  });
  afterAll(() => site.close());

  it('shows the decoded identity: a non-ASCII e-mail, and a group name holding an encoded comma', async () => {
    const res = await rawRequest(site.url, '/', { headers: ALICE });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('Signed in as <strong>José.Ñúñez@exämple.com</strong>');
    expect(res.text).toContain(`<code>${ALICE['x-barrier-user-sub']}</code>`);
    expect(res.text).toContain(`<code>${ALICE['x-barrier-session']}</code>`);
    const chips = [...res.text.matchAll(/<dd>((?:<span class=chip>[^<]*<\/span>)+)<\/dd>/g)].map((m) => m[1]);
    expect(chips[0]).toBe('<span class=chip>admins</span><span class=chip>R&amp;D, Europe</span>');
  });

  it('lists every x-barrier-* header it received, as sent and decoded, and no other header', async () => {
    const res = await rawRequest(site.url, '/', { headers: { ...ALICE, 'x-barrier-extra': 'caf%C3%A9', 'x-other': 'nope' } });
    const rows = [...res.text.matchAll(/<tr><td><code>([^<]+)<\/code><\/td><td><code>([^<]*)<\/code><\/td>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['x-barrier-session', ALICE['x-barrier-session']],
      ['x-barrier-user-sub', ALICE['x-barrier-user-sub']],
      ['x-barrier-user-email', ALICE['x-barrier-user-email']],
      ['x-barrier-groups', 'admins,R&amp;D%2C Europe'],
      ['x-barrier-extra', 'caf%C3%A9'],
    ]);
    expect(res.text).toContain('<td><code>café</code></td>');
    expect(res.text).not.toContain('x-other');
  });

  it('has exactly one sign-out button, a POST form to the logout route', async () => {
    const res = await rawRequest(site.url, '/docs/page?x=1', { headers: ALICE });
    expect(res.text.match(SIGN_OUT_FORM)).toHaveLength(1);
    expect(res.text.match(/Sign out/g)).toHaveLength(1);
  });

  it('without identity headers says so, offers sign-in back to this page, and no sign-out', async () => {
    const res = await rawRequest(site.url, '/docs/page?x=1&y=2');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Signed in as');
    expect(res.text).not.toMatch(SIGN_OUT_FORM);
    expect(res.text).toContain('href="/_identity/login?path=%2Fdocs%2Fpage%3Fx%3D1%26y%3D2"');
    expect((await rawRequest(site.url, '/')).text).toContain('<h1>Not signed in</h1>');
  });

  it('escapes markup in every value it shows', async () => {
    const headers = {
      'x-barrier-session': '"><svg onload=alert(1)>',
      'x-barrier-user-sub': "'><iframe src=//evil>",
      'x-barrier-user-email': '<script>alert(1)</script>@evil.test',
      'x-barrier-groups': '<img src=x onerror=alert(1)>,a%3Cb',
      'x-barrier-note': '%3Cscript%3Edecoded%3C/script%3E',
    };
    const home = await rawRequest(site.url, '/', { headers });
    const docs = await rawRequest(site.url, '/docs/%3Cb%3Eq?q=%3Cscript%3Ealert(1)%3C/script%3E&%22%3E=1', { headers });
    for (const page of [home.text, docs.text]) {
      for (const markup of ['<script', '<svg', '<iframe', '<img src=x', '<b>']) expect(page).not.toContain(markup);
    }
    expect(home.text).toContain('Signed in as <strong>&lt;script&gt;alert(1)&lt;/script&gt;@evil.test</strong>');
    expect(home.text).toContain('<code>&quot;&gt;&lt;svg onload=alert(1)&gt;</code>');
    expect(home.text).toContain('<code>&#39;&gt;&lt;iframe src=//evil&gt;</code>');
    expect(home.text).toContain('<span class=chip>a&lt;b</span>');
    expect(home.text).toContain('<code>&lt;script&gt;decoded&lt;/script&gt;</code>');
    expect(docs.text).toContain('<td><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></td>');
    expect(docs.text).toContain('<tr><td><code>&quot;&gt;</code></td>');
  });

  it('allows its one inline stylesheet by hash and nothing else: no scripts, no framing', async () => {
    const res = await rawRequest(site.url, '/');
    const csp = String(res.headers['content-security-policy']);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
    expect(style.length).toBeGreaterThan(100);
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      `style-src 'sha256-${hash}'`,
      "img-src 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(res.text).not.toMatch(/<script|\son\w+=|style=/i);
    expect(res.text).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('shows a page its own path and query string, decoded for reading', async () => {
    const res = await rawRequest(site.url, '/docs/page?x=1&city=M%C3%BCnchen', { headers: ALICE });
    expect(res.text).toContain('<h1>/docs/page</h1>');
    expect(res.text).toContain('<code>?x=1&amp;city=M%C3%BCnchen</code>');
    expect(res.text).toContain('<tr><td><code>city</code></td><td><code>München</code></td></tr>');
  });

  it('has an admin area for path rules that shows the viewer’s groups', async () => {
    const res = await rawRequest(site.url, '/admin/', { headers: ALICE });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Admin area</h1>');
    expect(res.text).toContain('<span class=chip>R&amp;D, Europe</span>');
  });

  it('echoes the identity as JSON at /whoami.json', async () => {
    const res = await rawRequest(site.url, '/whoami.json', { headers: ALICE });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.text)).toEqual({
      identity: {
        session: ALICE['x-barrier-session'],
        sub: ALICE['x-barrier-user-sub'],
        email: 'José.Ñúñez@exämple.com',
        groups: ['admins', 'R&D, Europe'],
      },
      headers: ALICE,
    });
    expect(JSON.parse((await rawRequest(site.url, '/whoami.json')).text)).toEqual({ identity: null, headers: {} });
  });

  it('serves a logo and a real ICO favicon as public-path examples', async () => {
    const logo = await rawRequest(site.url, '/assets/logo.svg');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/svg+xml');
    expect(logo.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(logo.text).not.toMatch(/<script|\son\w+=/i);

    const icon = await rawRequest(site.url, '/favicon.ico');
    expect(icon.headers['content-type']).toBe('image/x-icon');
    // ICONDIR (reserved 0, type 1, one image), then a 16×16 32-bit entry pointing at a BITMAPINFOHEADER.
    expect([icon.body.readUInt16LE(0), icon.body.readUInt16LE(2), icon.body.readUInt16LE(4)]).toEqual([0, 1, 1]);
    expect([icon.body[6], icon.body[7], icon.body.readUInt16LE(12)]).toEqual([16, 16, 32]);
    expect(icon.body.readUInt32LE(18) + icon.body.readUInt32LE(14)).toBe(icon.body.length);
    expect(icon.body.readUInt32LE(22)).toBe(40);
  });

  it('answers HEAD without a body, other methods with 405, unknown paths with 404', async () => {
    const head = await rawRequest(site.url, '/', { method: 'HEAD', headers: ALICE });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);

    const post = await rawRequest(site.url, '/', { method: 'POST', body: 'x=1' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');

    const missing = await rawRequest(site.url, '/nope/%3Ci%3E');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<code>/nope/%3Ci%3E</code>');
  });
});
