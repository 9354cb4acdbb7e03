// The world of the edge emulator tests (with test/support/raw-http.ts for
// requests sent byte for byte): a tiny origin that
// records what reaches it, and an emulator with pass-through handlers that
// each test replaces with its own.
import type { APIGatewayProxyEventV2, CloudFrontRequestEvent } from 'aws-lambda';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { headerValues } from '../../support/raw-http.js';
import { startEdgeEmulator, type EdgeEmulator, type EdgeEmulatorOptions } from '../../../src/dev/edge/edge-emulator.js';

export interface Recorded {
  readonly method: string;
  readonly url: string;
  values(name: string): string[];
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface RecordingOrigin {
  readonly url: string;
  readonly requests: Recorded[];
  /** Answers every request with 200 `from the origin`; replace to change the answer. */
  respond: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
  close(): Promise<void>;
}

const ANSWER_FROM_ORIGIN: RecordingOrigin['respond'] = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('from the origin');

export async function startOrigin(): Promise<RecordingOrigin> {
  const origin: RecordingOrigin = {
    url: '',
    requests: [],
    respond: ANSWER_FROM_ORIGIN,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      origin.requests.push({ method: req.method!, url: req.url!, values: headerValues(req.rawHeaders), rawHeaders: req.rawHeaders, body });
      origin.respond(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(origin, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}


export interface Calls {
  readonly checker: CloudFrontRequestEvent[];
  readonly manager: APIGatewayProxyEventV2[];
}

export interface Edge extends EdgeEmulator {
  readonly calls: Calls;
}

/**
 * An emulator in front of `originUrl`. Unless replaced, the checker passes
 * every request on unchanged and the manager answers 200 `manager`. Every
 * event is recorded (a deep copy, as the handler saw it) before the handler runs.
 */
export async function startEdge(originUrl: string, options: Partial<EdgeEmulatorOptions> = {}): Promise<Edge> {
  const calls: Calls = { checker: [], manager: [] };
  const checker = options.checker ?? (async (event: CloudFrontRequestEvent) => event.Records[0]!.cf.request);
  const manager = options.manager ?? (async () => ({ statusCode: 200, body: 'manager' }));
  const edge = await startEdgeEmulator({
    port: 0,
    originUrl,
    ...options,
    checker: (event) => {
      calls.checker.push(structuredClone(event));
      return checker(event);
    },
    manager: (event) => {
      calls.manager.push(structuredClone(event));
      return manager(event);
    },
  });
  return Object.assign(edge, { calls });
}

export interface EdgeWorld {
  /** One recording origin for the whole file; its record is cleared after each test. */
  readonly origin: RecordingOrigin;
  /** The emulator's log lines of the current test. */
  readonly logs: string[];
  /** An emulator for the current test (logging into `logs`), closed after it. */
  start(options?: Partial<EdgeEmulatorOptions>, originUrl?: string): Promise<Edge>;
}

/** Registers the hooks that give every test in the file a clean origin and emulator. */
export function useEdgeWorld(): EdgeWorld {
  let origin: RecordingOrigin | undefined;
  let edge: Edge | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    origin = await startOrigin();
  });
  afterEach(async () => {
    await edge?.close();
    edge = undefined;
    origin!.requests.length = 0;
    origin!.respond = ANSWER_FROM_ORIGIN;
    logs.length = 0;
  });
  afterAll(() => origin?.close());
  return {
    get origin() {
      return origin!;
    },
    logs,
    async start(options = {}, originUrl = origin!.url) {
      edge = await startEdge(originUrl, { log: (line) => logs.push(line), ...options });
      return edge;
    },
  };
}
