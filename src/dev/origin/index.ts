// The origin `cogcf dev` puts behind its edge emulator: whichever kind the
// flags chose, the emulator gets one URL to forward checked requests to.
import { startDemoSite } from './demo-site.js';
import type { RunningOrigin } from './local-server.js';
import { startProxyOrigin } from './proxy-origin.js';
import { startStaticSite } from './static-site.js';

export type OriginKind =
  /** The built-in demo site (the default). */
  | { readonly kind: 'demo' }
  /** `--site <dir>`: a folder of static files. */
  | { readonly kind: 'site'; readonly dir: string }
  /** `--origin <url>`: the user's own app. */
  | { readonly kind: 'proxy'; readonly url: string };

export type { RunningOrigin } from './local-server.js';
export { startDemoSite, startProxyOrigin, startStaticSite };

/** Starts the origin on 127.0.0.1 at a free port. Rejects with UsageError for a missing folder or a bad URL. */
export function startOrigin(origin: OriginKind): Promise<RunningOrigin> {
  switch (origin.kind) {
    case 'demo':
      return startDemoSite();
    case 'site':
      return startStaticSite(origin.dir);
    case 'proxy':
      return startProxyOrigin(origin.url);
  }
}
