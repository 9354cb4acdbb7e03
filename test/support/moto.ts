// A real AWS control-plane stand-in for tests: moto's server (Python, part of
// this machine image) on 127.0.0.1, reached by the SDK through an endpoint.
// It is required: a missing moto fails with the install hint, never skips.
// It runs through moto_server.py, which adds the Outputs moto 5.2.1 leaves off
// stacks made by executing a change set (see that file).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { fileURLToPath } from 'node:url';
import { unusedPort } from './raw-http.js';

export interface Moto {
  /** e.g. `http://127.0.0.1:41234`: pass as `endpoint`, or as AWS_ENDPOINT_URL to an outside client. */
  readonly endpoint: string;
  /** Credentials and settings for SDK clients and outside tools talking to this server. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./moto_server.py', import.meta.url));

export async function startMoto(): Promise<Moto> {
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('moto is not installed: this suite needs `python3 -m moto.server` (pip install "moto[server]")');
  }
  const port = await unusedPort();
  const child: ChildProcess = spawn('python3', [SERVER, '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 15_000; ; ) {
    if (child.exitCode !== null) throw new Error(`moto.server exited with code ${child.exitCode}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch {
      if (Date.now() > until) throw new Error('moto.server did not start within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A user pool with a hosted-UI domain (`<domain>.auth.<region>.amazoncognito.com`), made in moto; returns the pool id. */
export async function createPoolWithDomain(moto: Pick<Moto, 'endpoint'>, region: string, domain: string): Promise<string> {
  const cognitoIdp = new CognitoIdentityProviderClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const { UserPool } = await cognitoIdp.send(new CreateUserPoolCommand({ PoolName: `pool-${domain}` }));
  const id = UserPool?.Id;
  if (id === undefined) throw new Error('moto created a user pool without an id');
  await cognitoIdp.send(new CreateUserPoolDomainCommand({ UserPoolId: id, Domain: domain }));
  return id;
}

/**
 * Starts moto before this file's tests and stops it after them. Meanwhile its
 * credentials and endpoint are in process.env, for the SDK clients a test
 * makes in this process; a child process is given `env`.
 */
export function useMoto(): Omit<Moto, 'close'> {
  let moto: Moto | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, moto.env);
  }, 30_000);
  afterAll(async () => {
    process.env = saved;
    await moto?.close();
  });
  const running = (): Moto => {
    if (moto === undefined) throw new Error('moto is not running yet: use it in a test or a beforeAll registered after useMoto()');
    return moto;
  };
  return {
    get endpoint() {
      return running().endpoint;
    },
    get env() {
      return running().env;
    },
  };
}

/**
 * Writes `<dir>/barrier.json`, the smallest deployable barrier config, for a
 * user pool it makes in moto with the hosted-UI domain `domain`; returns its path.
 */
export async function writeDeployableConfig(moto: Pick<Moto, 'endpoint'>, dir: string, domain: string, tableName: string): Promise<string> {
  const region = 'eu-west-1';
  const userPoolId = await createPoolWithDomain(moto, region, domain);
  const path = join(dir, 'barrier.json');
  writeFileSync(
    path,
    JSON.stringify({
      domains: ['app.example.com'],
      cognito: { userPoolId, domain: `${domain}.auth.${region}.amazoncognito.com` },
      sessionTable: { name: tableName, region },
    }),
  );
  return path;
}
