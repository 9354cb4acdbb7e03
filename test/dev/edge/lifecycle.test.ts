// Starting and stopping: loopback only, a port in use is reported, and
// close() leaves no listener and no open connection behind.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startEdgeEmulator } from '../../../src/dev/edge/edge-emulator.js';
import { useEdgeWorld } from './harness.js';
import { rawRequest } from '../../support/raw-http.js';

const connectTo = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });

describe('edge emulator: start and close', () => {
  const world = useEdgeWorld();

  const handlers = { checker: async () => null, manager: async () => ({ statusCode: 200 }) };

  it('listens on 127.0.0.1 at the port it reports', async () => {
    const edge = await world.start();
    expect(edge.url).toBe(`http://127.0.0.1:${edge.port}`);
    expect(edge.port).toBeGreaterThan(0);
    expect((await rawRequest(edge.url, '/')).status).toBe(200);
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const first = await world.start();
    await expect(startEdgeEmulator({ port: first.port, originUrl: world.origin.url, ...handlers })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('refuses an origin that is not plain http', async () => {
    await expect(startEdgeEmulator({ port: 0, originUrl: 'https://127.0.0.1:1', ...handlers })).rejects.toThrow(/http:\/\//);
  });

  it('closes every connection, idle or waiting on a handler, and stops listening; closing again is harmless', async () => {
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const edge = await world.start({
      checker: () => {
        entered();
        return new Promise(() => {});
      },
    });
    const idle = await connectTo(edge.port);
    const idleClosed = new Promise((resolve) => idle.on('close', resolve));
    const pending = rawRequest(edge.url, '/hangs').then(
      () => 'answered',
      () => 'cut off',
    );
    await handlerEntered;

    await edge.close();
    expect(await pending).toBe('cut off');
    await idleClosed;
    await expect(connectTo(edge.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await edge.close();
  });
});
