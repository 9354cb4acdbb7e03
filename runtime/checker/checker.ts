// The viewer-request session checker: forwards a request with a live session
// (or to a public path), and otherwise answers at the edge: a login redirect,
// a 403 for a signed-in user without the needed group, or a 503 when the
// session store cannot answer (fail closed). Everything per-config is
// compiled here, once per container; the returned handler does no regex
// compilation, JSON or hashing on a cache hit.
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import type { CheckerConfig } from '../core/config.js';
import { expiredCookie, readCookie } from '../core/cookies.js';
import type { DynamoClient } from '../core/dynamo.js';
import { forbidden, redirect, unavailable } from './edge-responses.js';
import { forwardRequest } from './forward-request.js';
import { canonicalPath, compileGroupGate, compilePublicPaths } from './path-rules.js';
import type { Identity, SessionLookup } from './session-lookup.js';

export interface CheckerDeps {
  readonly db?: DynamoClient;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

export type Checker = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

// Duplicates of our cookie are tried in order, but a request never costs more
// than this many table reads (a `__Host-` cookie cannot even be duplicated).
const MAX_LOOKUPS = 2;

// CloudFront refuses URLs over 8,192 characters; the login URL must stay well under.
const MAX_RETURN_PATH = 4096;

const encodeQueryValue = (s: string): string | undefined => {
  try {
    return encodeURIComponent(s);
  } catch {
    return undefined; // a lone surrogate: let the manager fall back to `/`
  }
};

export function createChecker(config: CheckerConfig, deps: CheckerDeps = {}): Checker {
  const now = deps.now ?? Date.now;
  // Loaded on the first request with our cookie (see session-lookup.ts), then used without awaiting.
  let sessions: SessionLookup | undefined;
  let loading: Promise<SessionLookup> | undefined;
  const loadSessions = (): Promise<SessionLookup> =>
    (loading ??= import('./session-lookup.js').then((m) => (sessions = m.createSessionLookup(config, deps.db, now))));
  const isPublic = compilePublicPaths(config.publicPaths);
  const groupsAllow = compileGroupGate(config.allowedGroups, config.pathRules);
  const cookieName = config.cookie.name;
  const clearCookie = expiredCookie(cookieName);
  // The manager's routes are siblings: /_identity/login → /_identity/logout.
  const logoutPath = config.loginPath.slice(0, config.loginPath.lastIndexOf('/') + 1) + 'logout';

  const loginRedirect = (uri: string, querystring: string, presentedCookie: boolean): CloudFrontRequestResult => {
    // A deep link too long to carry through sign-in loses its query, then itself.
    let path = encodeQueryValue(querystring ? `${uri}?${querystring}` : uri);
    if (path !== undefined && path.length > MAX_RETURN_PATH) path = encodeQueryValue(uri);
    if (path !== undefined && path.length > MAX_RETURN_PATH) path = undefined;
    return redirect(path === undefined ? config.loginPath : `${config.loginPath}?path=${path}`, presentedCookie ? clearCookie : undefined);
  };

  return async (event) => {
    const request = event.Records[0]!.cf.request;
    const uri = request.uri;
    const canonical = canonicalPath(uri);
    if (isPublic(uri, canonical)) return forwardRequest(request, cookieName);

    const cookieHeaders = request.headers.cookie;
    const ids = cookieHeaders === undefined ? [] : readCookie(cookieHeaders.map((h) => h.value), cookieName);
    if (ids.length === 0) return loginRedirect(uri, request.querystring, false);

    const store = sessions ?? (await loadSessions());
    let failed = false;
    let lookups = 0;
    for (const id of ids) {
      let identity: Identity | null | undefined = store.cached(id);
      if (identity === undefined) {
        if (lookups++ === MAX_LOOKUPS) break;
        try {
          identity = await store.load(id);
        } catch (e) {
          console.error('cogcf checker: session lookup failed', e);
          failed = true;
          continue;
        }
      }
      if (identity !== null) {
        return groupsAllow(identity.session.groups, uri, canonical)
          ? forwardRequest(request, cookieName, identity)
          : forbidden(identity.session.email, logoutPath);
      }
    }
    // Fail closed, but keep the cookie: the session itself may be fine.
    return failed ? unavailable() : loginRedirect(uri, request.querystring, true);
  };
}
