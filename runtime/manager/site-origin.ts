// Absolute URLs (callback, return, logout target) are always built from the
// configured origins. The request only selects one of them: by
// `X-Forwarded-Host` (CloudFront must not forward the viewer's Host to a
// function URL or HTTP API, so a viewer-request function may copy it there)
// or by `Host`. An unknown host gets the first origin, never itself.
import type { ManagerRequest } from './http-event.js';

export type OriginChooser = (request: ManagerRequest) => string;

export function createOriginChooser(origins: readonly string[]): OriginChooser {
  const first = origins[0];
  if (first === undefined) throw new TypeError('the manager needs at least one site origin');
  const byHost = new Map(origins.map((origin) => [new URL(origin).host, origin]));
  return (request) => {
    for (const name of ['x-forwarded-host', 'host']) {
      const host = request.header(name)?.split(',')[0]?.trim().toLowerCase();
      const origin = host === undefined ? undefined : byHost.get(host);
      if (origin !== undefined) return origin;
    }
    return first;
  };
}
