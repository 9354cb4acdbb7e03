// The session store unreachable, silent or throttled: nothing passes without a
// known-valid session, the viewer gets a 503 page within the lookup timeout,
// and the cookie is kept (the session itself may be fine).
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChecker } from '../../../runtime/checker/checker.js';
import type { TableConfig } from '../../../runtime/core/config.js';
import { createDynamoClient, DynamoError, type DynamoClient } from '../../../runtime/core/dynamo.js';
import { newId } from '../../../runtime/core/session-ids.js';
import { SessionTable } from '../../../runtime/core/session-table.js';
import { answered, checkerConfig, COOKIE, forwarded, headerValue, storeSession, viewerRequest } from '../../fixtures/checker/events.js';
import { startSessionDb, TEST_ENV, type SessionDb } from '../../support/session-db.js';

const listen = async (server: Server | ReturnType<typeof createTcpServer>): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server | ReturnType<typeof createTcpServer>) => new Promise<void>((resolve) => server.close(() => resolve()));
const tableAt = (endpoint: string): TableConfig => ({ name: 'cogcf-sessions', region: 'us-east-1', endpoint });

describe('session checker when DynamoDB fails', () => {
  let silent: ReturnType<typeof createTcpServer>;
  const sockets = new Set<Socket>();
  let throttling: Server;
  let closedEndpoint: string;
  let endpoints: Record<'unreachable' | 'silent' | 'throttled', string>;
  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    throttling = createHttpServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'Rate of requests exceeds the allowed throughput.' }));
    });
    const gone = createTcpServer();
    closedEndpoint = await listen(gone);
    await close(gone);
    endpoints = { unreachable: closedEndpoint, silent: await listen(silent), throttled: await listen(throttling) };
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([close(silent), close(throttling)]);
  });
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    return () => vi.restoreAllMocks();
  });

  for (const [kind, code] of [['unreachable', 'NetworkError'], ['silent', 'Timeout'], ['throttled', 'ProvisionedThroughputExceededException']] as const) {
    it(`${kind}: answers 503 within the lookup timeout and lets nothing pass`, async () => {
      const table = tableAt(endpoints[kind]);
      const check = createChecker(checkerConfig(table, { lookupTimeoutMs: 300 }), { db: createDynamoClient(table, { env: TEST_ENV }) });
      // The silent server never answers: only the lookup timeout can end this request.
      const response = answered(await check(viewerRequest({ cookies: [`${COOKIE}=${newId()}`] })));
      expect(response.status).toBe('503');
      expect(headerValue(response.headers, 'cache-control')).toBe('no-store');
      expect(response.headers?.['set-cookie']).toBeUndefined();
      expect(response.headers?.location).toBeUndefined();
      expect(response.body).toContain('Sign-in service unavailable');
      expect(console.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ code }));
    });
  }

  it('still redirects requests it can judge without the table', async () => {
    const table = tableAt(closedEndpoint);
    const check = createChecker(checkerConfig(table), { db: createDynamoClient(table, { env: TEST_ENV }) });
    expect(answered(await check(viewerRequest())).status).toBe('302');
    expect(answered(await check(viewerRequest({ cookies: [`${COOKIE}=not-an-id`] }))).status).toBe('302');
    forwarded(await check(viewerRequest({ uri: '/favicon.ico', cookies: [`${COOKIE}=${newId()}`] })));
  });

  it('passes the timeout to DynamoDB and does not remember a failure', async () => {
    let db: SessionDb | undefined;
    try {
      db = await startSessionDb();
      const real = createDynamoClient(db.table, { env: TEST_ENV });
      const { id } = await storeSession(new SessionTable(real, db.table.name), Math.floor(Date.now() / 1000));
      const timeouts: (number | undefined)[] = [];
      let down = true;
      const flaky: DynamoClient = {
        call(operation, input, options) {
          timeouts.push(options?.timeoutMs);
          if (down) return Promise.reject(new DynamoError('Timeout', 'took too long'));
          return real.call(operation, input, options);
        },
      };
      const check = createChecker(checkerConfig(db.table, { lookupTimeoutMs: 1234 }), { db: flaky });
      const event = () => viewerRequest({ cookies: [`${COOKIE}=${id}`] });
      expect(answered(await check(event())).status).toBe('503');
      down = false;
      forwarded(await check(event()));
      expect(timeouts).toEqual([1234, 1234]);
    } finally {
      await db?.close();
    }
  });
});
