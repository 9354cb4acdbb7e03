// `--origin <url>` against a real app on 127.0.0.1: the request goes on as it
// came (identity headers included), the answer streams back, and an app that
// is down gives a page that names it.
import { createServer, get, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOrigin } from '../../../src/dev/origin/index.js';
import { startProxyOrigin } from '../../../src/dev/origin/proxy-origin.js';
import { rawRequest, unusedPort } from '../../support/raw-http.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The user's app: records each request, then lets the test answer it. */
class App {
  readonly seen: Seen[] = [];
  respond: (res: ServerResponse, seen: Seen) => void = (res) => res.end('ok');
  readonly server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      this.seen.push(seen);
      this.respond(res, seen);
    });
  });
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const IDENTITY = {
  'x-barrier-session': 'h4nDl3',
  'x-barrier-user-sub': 'sub-1',
  'x-barrier-user-email': 'Jos%C3%A9@example.com',
  'x-barrier-groups': 'admins,R&D%2C Europe',
};

describe('proxy origin', () => {
  let app: App;
  let proxy: RunningOrigin;
  beforeAll(async () => {
    app = await new App().start();
    proxy = await startProxyOrigin(app.url);
  });
  afterAll(async () => {
    await proxy.close();
    await app.close();
  });

  it('forwards method, path and query, headers with the identity headers, and the body', async () => {
    app.respond = (res) => res.end();
    const body = JSON.stringify({ name: 'widget', note: 'ünïcode' });
    await rawRequest(proxy.url, '/api/things?x=1&y=%2F', {
      method: 'POST',
      headers: { ...IDENTITY, 'content-type': 'application/json', cookie: 'theme=dark', 'x-app': 'a' },
      body,
    });
    const seen = app.seen.at(-1);
    expect(seen).toMatchObject({ method: 'POST', url: '/api/things?x=1&y=%2F', body });
    expect(seen?.headers).toMatchObject({ ...IDENTITY, 'content-type': 'application/json', cookie: 'theme=dark', 'x-app': 'a' });
    // As behind a CloudFront custom origin, Host names the app.
    expect(seen?.headers.host).toBe(new URL(app.url).host);
  });

  it('passes the status, every response header (two Set-Cookie too) and the body back', async () => {
    app.respond = (res) => {
      res.writeHead(201, 'Made It', { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'x-app-version': '7', 'content-type': 'text/plain' });
      res.end('created');
    };
    const res = await rawRequest(proxy.url, '/things', { method: 'PUT', body: 'x' });
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.headers['x-app-version']).toBe('7');
    expect(res.text).toBe('created');
  });

  it('passes 404s and redirects through untouched', async () => {
    app.respond = (res, seen) =>
      seen.url === '/old' ? res.writeHead(302, { location: '/new' }).end() : res.writeHead(404).end('app 404');
    const moved = await rawRequest(proxy.url, '/old');
    expect([moved.status, moved.headers.location]).toEqual([302, '/new']);
    const missing = await rawRequest(proxy.url, '/gone');
    expect([missing.status, missing.text]).toEqual([404, 'app 404']);
  });

  it('streams the answer: the first chunk arrives while the app is still writing', async () => {
    let finish: () => void = () => {};
    app.respond = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      finish = () => res.end('second');
    };
    // If the proxy buffered, 'first;' would never arrive and the test would time out.
    const { hostname, port } = new URL(proxy.url);
    const text = await new Promise<string>((resolve, reject) => {
      get({ host: hostname, port, path: '/stream', agent: false }, (res) => {
        let received = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += chunk;
          if (received === 'first;') finish();
        });
        res.on('end', () => resolve(received));
      }).on('error', reject);
    });
    expect(text).toBe('first;second');
  });

  it('puts the target URL’s path in front of every request path, as a CloudFront origin path', async () => {
    app.respond = (res) => res.end();
    const prefixed = await startProxyOrigin(`${app.url}/app/`);
    try {
      await rawRequest(prefixed.url, '/page?q=1');
      expect(app.seen.at(-1)?.url).toBe('/app/page?q=1');
    } finally {
      await prefixed.close();
    }
  });

  it('gives a 502 page that names the app when nothing listens there', async () => {
    const downUrl = `http://127.0.0.1:${await unusedPort()}`;
    const down = await startProxyOrigin(downUrl);
    try {
      const res = await rawRequest(down.url, '/anything', { method: 'POST', body: 'x' });
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain(`<code>${downUrl}/</code>`);
      expect(res.text).toContain('nothing is listening there');
    } finally {
      await down.close();
    }
  });

  it('refuses a target that is not an http(s) URL, or carries a query or credentials', async () => {
    for (const url of ['127.0.0.1:3000', 'not a url', 'ftp://127.0.0.1/', 'http://127.0.0.1:3000/?q=1', 'http://u:p@127.0.0.1:3000/']) {
      await expect(startProxyOrigin(url), url).rejects.toMatchObject({ code: 'ERR_USAGE', exitCode: 2 });
    }
  });

  it('close() ends a request the app is still working on', async () => {
    const slowApp = await new App().start();
    slowApp.respond = () => {}; // never answers
    const slow = await startProxyOrigin(slowApp.url);
    const arrived = new Promise<void>((resolve) => slowApp.server.once('request', () => resolve()));
    const pending = rawRequest(slow.url, '/slow').catch((error: unknown) => error);
    await arrived;
    await slow.close(); // would wait for the answer forever without ending open connections
    expect(await pending).toMatchObject({ code: 'ECONNRESET' });
    await expect(rawRequest(slow.url, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await slowApp.close();
  });

  it('close() ends its idle pooled connections to the app', async () => {
    const keepingApp = await new App().start();
    keepingApp.server.keepAliveTimeout = 0; // the app never drops an idle connection itself
    const socketsClosed: Promise<void>[] = [];
    keepingApp.server.on('connection', (socket) => socketsClosed.push(new Promise((resolve) => socket.on('close', () => resolve()))));
    const proxied = await startProxyOrigin(keepingApp.url);
    expect((await rawRequest(proxied.url, '/', { headers: { connection: 'keep-alive' } })).text).toBe('ok');
    await proxied.close();
    await Promise.all(socketsClosed); // hangs if a pooled socket stayed open
    expect(socketsClosed).toHaveLength(1);
    await keepingApp.close();
  });
});
