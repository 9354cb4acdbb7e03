// The regional session manager behind CloudFront's `<basePath>/*` behaviour:
// sign-in (login, callback), sign-out and a session endpoint for SPAs. All
// per-config work (endpoint checks, key-set cache, routes) happens here, once
// per container.
import type { ManagerConfig } from '../core/config.js';
import { createDynamoClient, type DynamoClient } from '../core/dynamo.js';
import { SessionTable } from '../core/session-table.js';
import { finishSignIn } from './callback.js';
import type { ManagerContext, RouteHandler } from './context.js';
import { requestOf, type ManagerEvent, type ManagerResult } from './http-event.js';
import { createIdTokenVerifier } from './id-token.js';
import { logFailure } from './log.js';
import { startLogin } from './login.js';
import { confirmLogout, logout } from './logout.js';
import { createOAuthClient } from './oauth.js';
import { internalErrorPage, methodNotAllowedPage, notFoundPage } from './pages.js';
import { sessionInfo } from './session-info.js';
import { createOriginChooser } from './site-origin.js';

export interface ManagerDeps {
  readonly db?: DynamoClient;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** Used for the token endpoint and the JWKS. */
  readonly fetch?: typeof fetch;
}

export type Manager = (event: ManagerEvent) => Promise<ManagerResult>;

export function createManager(config: ManagerConfig, deps: ManagerDeps = {}): Manager {
  const base = config.basePath;
  const ctx: ManagerContext = {
    config,
    table: new SessionTable(deps.db ?? createDynamoClient(config.table), config.table.name),
    now: deps.now ?? Date.now,
    oauth: createOAuthClient(config.cognito, deps.fetch),
    verifyIdToken: createIdTokenVerifier(config.cognito, deps.fetch),
    chooseOrigin: createOriginChooser(config.origins),
    routes: { login: `${base}/login`, callback: `${base}/auth`, logout: `${base}/logout`, session: `${base}/session` },
    loginCookie: `${config.cookie.name}-login`,
    sessionCookie: config.cookie.name,
  };
  const routes = new Map<string, Readonly<Record<string, RouteHandler>>>([
    [ctx.routes.login, { GET: startLogin }],
    [ctx.routes.callback, { GET: finishSignIn }],
    [ctx.routes.logout, { GET: confirmLogout, POST: logout }],
    [ctx.routes.session, { GET: sessionInfo }],
  ]);

  return async (event) => {
    // Only a route's own path is logged, never what the request sent.
    let where = 'an unreadable event';
    try {
      const request = requestOf(event);
      const methods = routes.get(request.path);
      if (!methods) return notFoundPage();
      const handler = methods[request.method];
      if (!handler) return methodNotAllowedPage(Object.keys(methods));
      where = request.path;
      return await handler(ctx, request);
    } catch (e) {
      logFailure(`unexpected failure on ${where}`, e);
      return internalErrorPage();
    }
  };
}
