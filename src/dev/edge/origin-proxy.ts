// Forwards a request to the custom origin over HTTP and streams both bodies:
// the viewer's upload to the origin, the origin's answer to the viewer. An
// origin that cannot be reached gets CloudFront's 502 page; one that goes
// quiet for longer than the origin response timeout (CloudFront's default is
// 30 s, before the first byte or between two) gets its 504 page, or a cut
// connection once the answer has begun.
import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { passedOn, withEdgeHeaders } from './edge-headers.js';
import { cloudFrontErrorPage } from './edge-failures.js';
import { flatHeaders, type HeaderLine } from './header-lines.js';
import { fromOriginHeaders } from './origin-headers.js';
import { answer, type Served } from './send-response.js';

export interface OriginRequest {
  readonly method: string;
  /** Path and query as CloudFront sends them (the origin path already in front). */
  readonly target: string;
  readonly headerLines: readonly HeaderLine[];
  readonly requestId: string;
  /** The origin response timeout: the longest the origin may stay silent. */
  readonly timeoutMs: number;
}

export function proxyToOrigin(
  viewerReq: IncomingMessage,
  res: ServerResponse,
  origin: URL,
  agent: Agent,
  forward: OriginRequest,
): Promise<Served> {
  return new Promise((resolve) => {
    const outgoing = request({
      host: origin.hostname,
      port: origin.port,
      method: forward.method,
      path: forward.target,
      headers: flatHeaders(forward.headerLines),
      agent,
    });
    outgoing.on('response', (originRes) => {
      const status = originRes.statusCode ?? 502;
      const lines = withEdgeHeaders(fromOriginHeaders(originRes.rawHeaders), forward.requestId, passedOn(status));
      res.writeHead(status, originRes.statusMessage ?? '', flatHeaders(lines));
      originRes.pipe(res);
      // A body cut short upstream must not look complete downstream.
      originRes.on('close', () => originRes.complete || res.destroy());
      resolve({ status });
    });
    let timedOut = false;
    outgoing.setTimeout(forward.timeoutMs, () => {
      timedOut = true;
      // Destroying the origin request makes it emit an error, which must not also answer.
      outgoing.destroy();
      // The answer has begun (and was reported): cut it, so a partial body never looks complete.
      if (res.headersSent || res.destroyed) return res.destroy();
      const page = cloudFrontErrorPage(504, 'The origin did not answer within the origin response timeout.', forward.requestId);
      resolve(answer(res, page, forward.requestId, `origin timed out after ${forward.timeoutMs} ms`));
    });
    outgoing.on('error', (error) => {
      if (timedOut) return;
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return resolve({ status: res.statusCode, failure: `origin connection failed: ${error.message}` });
      }
      const page = cloudFrontErrorPage(502, "CloudFront wasn't able to connect to the origin.", forward.requestId);
      resolve(answer(res, page, forward.requestId, `origin unreachable: ${error.message}`));
    });
    // The viewer left: stop the origin's work too.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    viewerReq.pipe(outgoing);
  });
}
