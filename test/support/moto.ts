// A real AWS control-plane stand-in for tests: moto's server (Python, part of
// this machine image) on 127.0.0.1, reached by the SDK through an endpoint.
// It is required: a missing moto fails with the install hint, never skips.
// It runs through moto_server.py, which adds the Outputs moto 5.2.1 leaves off
// stacks made by executing a change set (see that file).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
