// From a session cookie value to the identity the origin is told about, with
// at most one DynamoDB read per id per cache lifetime in this container. The
// caches are keyed by the raw id, so a hit costs no hashing. Unknown ids get
// their own, separately bounded cache, so a flood of random ids cannot evict
// the sessions of signed-in users.
//
// The checker loads this module on the first request that carries our cookie:
// with it come node:crypto (hashing, SigV4) and the DynamoDB client, about
// 2 ms of cold start that anonymous requests never need.
import type { CheckerConfig } from '../core/config.js';
import { createDynamoClient, type DynamoClient } from '../core/dynamo.js';
import { handleOf, isWellFormedId } from '../core/session-ids.js';
import { readSession, type SessionRow } from '../core/session-read.js';
import { SessionCache } from './session-cache.js';

/** A live session and its identity headers, made safe once per cache fill. */
export interface Identity {
  readonly session: SessionRow;
  readonly subHeader: string;
  readonly emailHeader: string;
  /** Comma-separated, each name header-safe with its own commas encoded. */
  readonly groupsHeader: string;
}

export interface SessionLookup {
  /**
   * The verdict known without a read: an identity, null for an id that is
   * malformed (we could not have issued it) or known invalid, undefined if a
   * read is needed.
   */
  cached(id: string): Identity | null | undefined;
  /** Reads the table (once for concurrent callers of the same id) and remembers the verdict. Rejects with DynamoError. */
  load(id: string): Promise<Identity | null>;
}

// Percent-encodes everything outside printable ASCII, and `%` itself, so no
// value can carry CR/LF or control characters and the origin can decode every
// value with decodeURIComponent. Ordinary values pass unchanged.
const UNSAFE = /[^ -$&-~]/gu;
const encodeUnsafe = (c: string): string => {
  try {
    return encodeURIComponent(c);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate: U+FFFD
  }
};
const headerSafe = (value: string): string => value.replace(UNSAFE, encodeUnsafe);

const identityOf = (session: SessionRow): Identity => ({
  session,
  subHeader: headerSafe(session.sub),
  emailHeader: headerSafe(session.email),
  groupsHeader: session.groups.map((g) => headerSafe(g).replace(/,/g, '%2C')).join(','),
});

export function createSessionLookup(config: CheckerConfig, db: DynamoClient | undefined, now: () => number): SessionLookup {
  const client = db ?? createDynamoClient(config.table);
  const valid = new SessionCache<Identity>(config.cacheMaxEntries);
  const invalid = new SessionCache<true>(config.cacheMaxEntries);
  const inFlight = new Map<string, Promise<Identity | null>>();

  async function read(id: string): Promise<Identity | null> {
    const started = now();
    const row = await readSession(client, config.table.name, handleOf(id), Math.floor(started / 1000), config.lookupTimeoutMs);
    if (row === undefined) {
      invalid.set(id, true, started + config.negativeCacheTtlSeconds * 1000);
      return null;
    }
    const identity = identityOf(row);
    // Never remember a session past its own expiry, nor longer than the TTL
    // (the documented maximum delay before a revocation takes effect).
    valid.set(id, identity, Math.min(started + config.cacheTtlSeconds * 1000, row.expiresAt * 1000));
    return identity;
  }

  return {
    cached(id) {
      if (!isWellFormedId(id)) return null;
      const t = now();
      return valid.get(id, t) ?? (invalid.get(id, t) ? null : undefined);
    },
    load(id) {
      let pending = inFlight.get(id);
      if (pending === undefined) {
        pending = read(id).finally(() => inFlight.delete(id));
        inFlight.set(id, pending);
      }
      return pending;
    },
  };
}
