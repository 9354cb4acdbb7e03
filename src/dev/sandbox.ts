// The whole barrier on 127.0.0.1: the session table (dynalite), a local
// stand-in for the Cognito hosted UI, an origin, and the edge emulator
// running the checker and manager from the very bundles `cogcf bundle` ships.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { buildBarrier } from '../bundle/build-barrier.js';
import { parseBarrierConfig } from '../config/barrier-config.js';
import { UsageError } from '../errors.js';
import { startEdgeEmulator, type EdgeEmulator } from './edge/edge-emulator.js';
import { LOCAL_USER_POOL_ID, startLocalIdp, type LocalIdpUser, type LocalIdpUserInput } from './local-idp.js';
import { startOrigin, type OriginKind } from './origin/index.js';
import { removeSandboxState, SANDBOX_DB_ENV, writeSandboxState } from './sandbox-state.js';
import { startSandboxTable } from './sandbox-table.js';

export const SANDBOX_CLIENT_ID = 'cogcfsandbox';

export interface SandboxOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly users: readonly LocalIdpUserInput[];
  readonly origin: OriginKind;
  readonly cacheTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  readonly publicPaths: readonly string[];
  readonly allowedGroups: readonly string[];
  /** Keeps the table (and the built bundles) in this folder instead of in memory. */
  readonly dataDir?: string;
  /** Progress and one line per request. */
  readonly log: (line: string) => void;
}

export interface Sandbox {
  readonly url: string;
  readonly users: readonly LocalIdpUser[];
  /** Where the built bundles are. */
  readonly buildDir: string;
  /** Where the session table lives: the data folder, or undefined when in memory. */
  readonly dataDir?: string;
  readonly statePath: string;
  close(): Promise<void>;
}

type Checker = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
type Manager = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  // Everything started so far, stopped in reverse order on failure or close.
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  };
  try {
    // The handlers need the site's URL baked in, and that needs the port: the
    // emulator listens first (so a taken port fails before anything else
    // starts) and gets its handlers once they are built.
    let checker: Checker | undefined;
    let manager: Manager | undefined;
    const notReady = () => Promise.reject(new Error('the sandbox is still starting'));
    const origin = await startOrigin(options.origin);
    stops.push(() => origin.close());
    let edge: EdgeEmulator;
    try {
      edge = await startEdgeEmulator({
        port: options.port,
        checker: (event) => (checker ? checker(event) : notReady()),
        manager: (event) => (manager ? manager(event) : notReady()),
        originUrl: origin.url,
        log: options.log,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new UsageError(`port ${options.port} on 127.0.0.1 is already in use`, { hint: 'Stop what uses it, or pick another with --port <p> (--port 0 picks a free one).' });
      }
      throw e;
    }
    stops.push(() => edge.close());
    const url = edge.url;

    // The bundles sign their table requests with the credentials Lambda would
    // give them in the environment; the sandbox's table wants its own.
    Object.assign(process.env, SANDBOX_DB_ENV);
    const store = await startSandboxTable({ env: SANDBOX_DB_ENV, ...(options.dataDir ? { dataDir: join(options.dataDir, 'table') } : {}) });
    stops.push(() => store.close());

    const idp = await startLocalIdp({
      users: options.users,
      clientId: SANDBOX_CLIENT_ID,
      clientName: 'the cogcf sandbox',
      redirectUris: [`${url}/_identity/auth`],
      logoutUris: [`${url}/`],
    });
    stops.push(() => idp.close());

    const config = parseBarrierConfig(
      {
        domains: [url],
        cognito: { userPoolId: LOCAL_USER_POOL_ID, clientId: SANDBOX_CLIENT_ID, domain: idp.url, jwksUri: idp.jwksUri },
        sessionTable: { name: store.table.name, region: store.table.region, endpoint: store.table.endpoint },
        ...(options.sessionTtlSeconds === undefined ? {} : { session: { ttlSeconds: options.sessionTtlSeconds } }),
        checker: {
          ...(options.cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds: options.cacheTtlSeconds }),
          publicPaths: options.publicPaths,
          allowedGroups: options.allowedGroups,
        },
      },
      'the cogcf dev flags',
    );
    const buildDir = options.dataDir ? join(options.dataDir, 'build') : await mkdtemp(join(tmpdir(), 'cogcf-dev-'));
    if (!options.dataDir) stops.push(() => rm(buildDir, { recursive: true, force: true }));
    await buildBarrier(config, buildDir, options.log);
    const load = createRequire(import.meta.url);
    // A fresh load each start: the bundles carry this run's ports.
    const loadHandler = <T>(name: string): T => {
      const path = join(buildDir, name, 'index.js');
      delete load.cache[load.resolve(path)];
      return (load(path) as { handler: T }).handler;
    };
    checker = loadHandler<Checker>('checker');
    manager = loadHandler<Manager>('manager');

    const statePath = await writeSandboxState({
      pid: process.pid,
      url,
      table: store.table,
      startedAt: new Date().toISOString(),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    stops.push(() => removeSandboxState());

    return {
      url,
      users: idp.users,
      buildDir,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      statePath,
      close: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
