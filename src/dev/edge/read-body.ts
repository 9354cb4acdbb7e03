// Reads a request body into memory, for a function that receives it whole.
// A body over the limit is not kept; the caller answers 413 instead.
import type { IncomingMessage } from 'node:http';

export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

/** The whole body, or `undefined` when it exceeds `maxBytes`; rejects if the viewer goes away first. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Let the rest flow past unread: the answer is a 413 either way.
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    const aborted = (): void => reject(new RequestAbortedError('the viewer closed the connection before sending the whole body'));
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', aborted);
    req.on('close', () => req.complete || aborted());
  });
}
