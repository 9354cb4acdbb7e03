// `cogcf dev --origin <url>`: the user's own app behind the barrier. Each
// request goes on to the app as it came (method, path and query, headers with
// the identity headers, body) and the answer streams back. As behind a
// CloudFront custom origin, the app sees its own host in Host, and the
// target's path (if any) is put in front of every request path, as an
// origin path is.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { escapeHtml } from '../../../runtime/core/html.js';
import { UsageError } from '../../errors.js';
import { flatHeaders, rawHeaderLines } from '../edge/header-lines.js';
import { fromOriginHeaders } from '../edge/origin-headers.js';
import { serveLocally, type RunningOrigin } from './local-server.js';
import { sendPage } from './page.js';

// The request headers as they came, in order and spelling, with Host naming
// the app. Hop-by-hop headers need no filtering here: the edge emulator has
// already dropped them, as CloudFront does.
const towardApp = (req: IncomingMessage, target: URL): string[] =>
  flatHeaders([...rawHeaderLines(req.rawHeaders).filter(([name]) => name.toLowerCase() !== 'host'), ['Host', target.host]]);

function parseTarget(targetUrl: string): URL {
  const hint = 'Pass --origin the address of your running app, e.g. http://127.0.0.1:3000';
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch {
    throw new UsageError(`The origin ${targetUrl} is not a URL.`, { hint });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new UsageError(`The origin ${targetUrl} must start with http:// or https://.`, { hint });
  if (target.search || target.hash || target.username || target.password)
    throw new UsageError(`The origin ${targetUrl} may have a path but no query, fragment or credentials.`, { hint });
  return target;
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing is listening there',
  ENOTFOUND: 'that host name does not resolve',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
};

function sendBadGateway(res: ServerResponse, target: URL, error: NodeJS.ErrnoException): void {
  const reason = REASONS[error.code ?? ''] ?? error.message;
  sendPage(
    res,
    502,
    'Your app did not answer',
    `<p>The request could not be passed on to <code>${escapeHtml(target.origin + target.pathname)}</code>: ${escapeHtml(reason)}.</p>` +
      '<p>Is your app running? Start it, then reload this page.</p>',
  );
}

export async function startProxyOrigin(targetUrl: string): Promise<RunningOrigin> {
  const target = parseTarget(targetUrl);
  const secure = target.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  // Our own pool, so close() can end its sockets too.
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const pathPrefix = target.pathname.replace(/\/+$/, '');

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: pathPrefix + (req.url ?? '/'),
      headers: towardApp(req, target),
      agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, flatHeaders(fromOriginHeaders(answer.rawHeaders)));
      answer.pipe(res);
      // A body cut short by the app must not look complete to the viewer.
      answer.on('close', () => answer.complete || res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) res.destroy();
      else sendBadGateway(res, target, error);
    });
    // The viewer went away: stop the app's work too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  return serveLocally(forward, () => agent.destroy());
}
