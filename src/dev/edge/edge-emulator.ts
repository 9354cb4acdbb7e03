// A local stand-in for the CloudFront distribution `cogcf` wires: one HTTP
// server on 127.0.0.1 with the same ordered cache behaviours. `/_identity/*`
// goes to the session manager's origin; everything else runs the
// viewer-request checker and then goes to the custom origin. Handlers get
// their services' events and are held to their services' rules and limits,
// so what passes here behaves the same behind CloudFront.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BASE_PATH } from '../../config/resolve-config.js';
import { createBehaviourRouter } from './cache-behaviours.js';
import { viewerHostFunction } from './cloudfront-function.js';
import { createDefaultBehaviour } from './default-behaviour.js';
import { newRequestId } from './edge-headers.js';
import { cloudFrontErrorPage, explain } from './edge-failures.js';
import { createManagerBehaviour } from './manager-behaviour.js';
import { answer, type Served } from './send-response.js';
import { viewerRequestOf } from './viewer.js';

export interface EdgeEmulatorOptions {
  /** Only loopback: the emulator is never reachable from other machines. */
  readonly host?: '127.0.0.1';
  /** 0 picks a free port. */
  readonly port: number;
  /** The viewer-request function of the default behaviour. */
  readonly checker: (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
  /** The function behind the `/_identity/*` behaviour's HTTP API. */
  readonly manager: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  /** The default behaviour's custom origin, `http://host:port[/origin-path]`. */
  readonly originUrl: string;
  /** `config.distributionDomainName` in viewer-request events. */
  readonly distributionDomainName?: string;
  /** One line per request, with the reason for every failure. */
  readonly log?: (line: string) => void;
  /**
   * CloudFront's 5 s for viewer-request functions, API Gateway's 30 s integration timeout and CloudFront's
   * 30 s origin response timeout by default.
   */
  readonly timeouts?: { readonly checkerMs?: number; readonly managerMs?: number; readonly originMs?: number };
}

export interface EdgeEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every open connection, to viewers and to the origin. Safe to call again. */
  close(): Promise<void>;
}

/** Rejects with Node's listen error (`code` EADDRINUSE for a port in use). */
export async function startEdgeEmulator(options: EdgeEmulatorOptions): Promise<EdgeEmulator> {
  const origin = new URL(options.originUrl);
  if (origin.protocol !== 'http:') throw new TypeError(`originUrl must be an http:// URL, got ${options.originUrl}`);
  const originAgent = new Agent({ keepAlive: true });
  const manager = createManagerBehaviour({
    manager: options.manager,
    managerMs: options.timeouts?.managerMs ?? 30_000,
    viewerFunction: viewerHostFunction(),
  });
  const viewerRequest = createDefaultBehaviour({
    checker: options.checker,
    checkerMs: options.timeouts?.checkerMs ?? 5000,
    distribution: { distributionDomainName: options.distributionDomainName ?? 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE' },
    origin,
    originAgent,
    originMs: options.timeouts?.originMs ?? 30_000,
  });
  const behaviours = { manager, default: viewerRequest };
  const route = createBehaviourRouter<keyof typeof behaviours>([{ pathPattern: `${BASE_PATH}/*`, target: 'manager' }], 'default');

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const viewer = viewerRequestOf(req);
    const name = viewer && route(viewer.path);
    let served: Served;
    try {
      served =
        viewer === undefined || name === undefined
          ? answer(res, cloudFrontErrorPage(400, 'Bad request.', requestId), requestId, 'the request target is not a path')
          : await behaviours[name](req, res, viewer, requestId);
    } catch (e) {
      // A viewer that left mid-request, or a bug here: never the end of the emulator.
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      else res.destroy();
      served = { status: 500, failure: explain(e) };
    }
    options.log?.(`${req.method} ${req.url} → ${served.status}${name ? ` [${name}]` : ''}${served.failure ? ` (${served.failure})` : ''}`);
  }

  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        originAgent.destroy();
      })),
  };
}
