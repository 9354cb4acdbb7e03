// What every route handler works with, built once per manager.
import type { ManagerConfig } from '../core/config.js';
import type { SessionTable } from '../core/session-table.js';
import type { ManagerRequest, ManagerResult } from './http-event.js';
import type { IdTokenVerifier } from './id-token.js';
import type { OAuthClient } from './oauth.js';
import type { OriginChooser } from './site-origin.js';

export interface ManagerRoutes {
  readonly login: string;
  readonly callback: string;
  readonly logout: string;
  readonly session: string;
}

export interface ManagerContext {
  readonly config: ManagerConfig;
  readonly table: SessionTable;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly oauth: OAuthClient;
  readonly verifyIdToken: IdTokenVerifier;
  readonly chooseOrigin: OriginChooser;
  readonly routes: ManagerRoutes;
  readonly loginCookie: string;
  readonly sessionCookie: string;
}

export type RouteHandler = (ctx: ManagerContext, request: ManagerRequest) => Promise<ManagerResult> | ManagerResult;

export const nowSeconds = (ctx: ManagerContext): number => Math.floor(ctx.now() / 1000);

/** A relative link that starts a new sign-in returning to `returnPath`. */
export const loginHref = (ctx: ManagerContext, returnPath: string): string =>
  returnPath === '/' ? ctx.routes.login : `${ctx.routes.login}?path=${encodeURIComponent(returnPath)}`;
