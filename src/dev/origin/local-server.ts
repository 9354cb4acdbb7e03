// One way to run an origin: an HTTP server on 127.0.0.1 at a free port, and a
// close() that also ends idle keep-alive sockets, so stopping `cogcf dev`
// never waits on a browser's pooled connection or leaves a listener behind.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendPage } from './page.js';

export interface RunningOrigin {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Stops listening and ends every open connection. Safe to call twice. */
  close(): Promise<void>;
}

export type OriginHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export async function serveLocally(handle: OriginHandler, onClose: () => void = () => {}): Promise<RunningOrigin> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch(() => {
        // A bug in an origin must not take `cogcf dev` down: answer if we still can.
        if (res.headersSent) res.destroy();
        else sendPage(res, 500, 'Something went wrong', '<p>This origin failed to answer the request.</p>');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      onClose();
    }));
  return { url: `http://127.0.0.1:${port}`, close };
}
