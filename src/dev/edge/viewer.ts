// What the edge knows about a viewer's request before any behaviour runs:
// the path and query exactly as sent (never decoded or re-encoded), the
// client address, and each header line in order with its original spelling
// (Node's rawHeaders keeps two Cookie lines apart; req.headers would join them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawHeaderLines, type HeaderLine } from './header-lines.js';
import type { Served } from './send-response.js';

export interface ViewerRequest {
  readonly method: string;
  /** The path as sent, e.g. `/a%20b`. */
  readonly path: string;
  /** The query as sent, without `?`; `''` when there is none. */
  readonly query: string;
  readonly clientIp: string;
  /** Header lines in order, names as sent. */
  readonly headerLines: readonly HeaderLine[];
}

/** The request, or undefined when its target is not an origin-form path (`*`, `http://…`). */
export function viewerRequestOf(req: IncomingMessage): ViewerRequest | undefined {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return undefined;
  const q = target.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    // The emulator listens on 127.0.0.1 only, but a dual-stack socket reports ::ffff:127.0.0.1.
    clientIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    headerLines: rawHeaderLines(req.rawHeaders),
  };
}

/** A cache behaviour's handling of one viewer request, from the event to the last byte sent. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse, viewer: ViewerRequest, requestId: string) => Promise<Served>;
