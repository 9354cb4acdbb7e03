// The built-in origin of `cogcf dev`: a few pages that show what the barrier
// tells an origin about the viewer, a sign-out button, and /whoami.json with
// the same data for scripts and for people building their own origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAVICON_ICO, LOGO_SVG } from './demo-assets.js';
import { adminPage, docsPage, homePage, notFoundPage, type DemoRequest } from './demo-pages.js';
import { identityHeadersOf, identityOf } from './identity.js';
import { serveLocally, type RunningOrigin } from './local-server.js';
import { sendHtml } from './page.js';

const underSection = (path: string, section: string): boolean => path === section || path.startsWith(`${section}/`);

function demoRequestOf(req: IncomingMessage): DemoRequest {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  return {
    target,
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    query: queryAt === -1 ? '' : target.slice(queryAt + 1),
    identity: identityOf(req.headers),
    identityHeaders: identityHeadersOf(req.headers),
  };
}

// Public-path examples: the same for everyone, so they may be cached.
function sendAsset(res: ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'public, max-age=3600',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function handleDemo(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
    res.end();
    return;
  }
  const request = demoRequestOf(req);
  const { path } = request;
  if (path === '/') sendHtml(res, 200, homePage(request));
  else if (path === '/whoami.json')
    sendJson(res, { identity: request.identity ?? null, headers: Object.fromEntries(request.identityHeaders) });
  else if (underSection(path, '/docs')) sendHtml(res, 200, docsPage(request));
  else if (underSection(path, '/admin')) sendHtml(res, 200, adminPage(request));
  else if (path === '/assets/logo.svg') sendAsset(res, 'image/svg+xml', LOGO_SVG);
  else if (path === '/favicon.ico') sendAsset(res, 'image/x-icon', FAVICON_ICO);
  else sendHtml(res, 404, notFoundPage(request));
}

export const startDemoSite = (): Promise<RunningOrigin> => serveLocally(handleDemo);
