// Forwards a request to the custom origin over HTTP and streams both bodies:
// the viewer's upload to the origin, the origin's answer to the viewer. An
// origin that cannot be reached gets CloudFront's 502 page.
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
    outgoing.on('error', (error) => {
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
