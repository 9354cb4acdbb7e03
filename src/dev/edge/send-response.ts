// Writes a finished response to the viewer with the headers CloudFront adds
// to everything it returns, and reports what was sent for the log.
import type { ServerResponse } from 'node:http';
import { passedOn, withEdgeHeaders, type CacheResult } from './edge-headers.js';
import type { EdgeResponse } from './edge-failures.js';
import { flatHeaders } from './header-lines.js';

/** What a behaviour did with a request, for the emulator's log line. */
export interface Served {
  readonly status: number;
  /** Why it failed, when it did. */
  readonly failure?: string;
}

export function sendResponse(res: ServerResponse, response: EdgeResponse, requestId: string, result: CacheResult): void {
  const lines = withEdgeHeaders(response.headerLines, requestId, result);
  if (response.statusMessage === undefined) res.writeHead(response.status, flatHeaders(lines));
  else res.writeHead(response.status, response.statusMessage, flatHeaders(lines));
  res.end(response.body);
}

/** Sends a response CloudFront passes on (an origin's) or makes itself (an error page). */
export function answer(res: ServerResponse, response: EdgeResponse, requestId: string, failure?: string): Served {
  sendResponse(res, response, requestId, passedOn(response.status));
  return failure === undefined ? { status: response.status } : { status: response.status, failure };
}
