// `cogcf dev` (and `npm start`): the whole barrier on 127.0.0.1 until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { JSON_SCHEMA_VERSION, type Output } from '../../output.js';
import type { LocalIdpUserInput } from '../../dev/local-idp.js';
import type { OriginKind } from '../../dev/origin/index.js';
import { startSandbox } from '../../dev/sandbox.js';

export interface DevOptions {
  readonly port: string;
  readonly user?: readonly string[];
  readonly site?: string;
  readonly origin?: string;
  readonly cacheTtl?: string;
  readonly sessionTtl?: string;
  readonly public?: readonly string[];
  readonly allowedGroup?: readonly string[];
  readonly dataDir?: string;
}

// The demo site's logo and favicon show what a public path is.
const DEMO_PUBLIC_PATHS = ['/favicon.ico', '/assets/*'];

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

export function devCommand(program: Command): Command {
  return program
    .command('dev')
    .description('Run the whole barrier on 127.0.0.1 (edge, session manager, table, a local sign-in page and an origin) until Ctrl-C.')
    .option('--port <p>', 'port of the site; 0 picks a free one', '8080')
    .option('--user <email:password[:groups]>', 'a user who can sign in, with comma-separated groups (repeatable; default: a demo user)', collect)
    .option('--site <dir>', 'serve this folder as the origin instead of the demo site')
    .option('--origin <url>', 'proxy to your own app as the origin, e.g. http://127.0.0.1:3000; it receives the identity headers')
    .option('--cache-ttl <s>', "seconds the checker trusts a session it has read (the longest a revoked session still passes); default 30")
    .option('--session-ttl <s>', 'session lifetime in seconds; default 43200 (12 h)')
    .option('--public <glob>', 'a path that needs no sign-in, e.g. /assets/* (repeatable; default for the demo site: /favicon.ico /assets/*)', collect)
    .option('--allowed-group <g>', 'only members of one of these groups may enter (repeatable)', collect)
    .option('--data-dir <dir>', 'keep the session table (and the built bundles) in this folder instead of in memory')
    .addHelpText(
      'after',
      `
While it runs:
  cogcf sessions --sandbox                    list its sessions
  cogcf revoke <handle> --sandbox             revoke one session
  cogcf revoke --user <email|sub> --sandbox   revoke every session of a user

Examples:
  cogcf dev
  cogcf dev --port 0 --user alice@example.com:secret:admins --allowed-group admins
  cogcf dev --origin http://127.0.0.1:3000 --public '/static/*'`,
    );
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`, { hint: 'Run `cogcf dev --help` for usage.' });
  return Number(value);
}

/** `email:password[:group,group]`; a password may hold `:` when the groups part is given. */
export function parseUser(spec: string): LocalIdpUserInput {
  const first = spec.indexOf(':');
  const last = spec.lastIndexOf(':');
  const email = spec.slice(0, first);
  const hasGroups = last > first;
  const password = hasGroups ? spec.slice(first + 1, last) : spec.slice(first + 1);
  if (first <= 0 || !email.includes('@') || password === '') {
    throw new UsageError(`--user expects <email>:<password>[:<group>,<group>], got "${spec}"`, { hint: 'For example: --user alice@example.com:secret:admins,staff' });
  }
  const groups = hasGroups ? spec.slice(last + 1).split(',').filter((g) => g !== '') : [];
  return { email, password, groups };
}

function originOf(options: DevOptions): OriginKind {
  if (options.site !== undefined && options.origin !== undefined) {
    throw new UsageError('--site and --origin cannot be used together', { hint: 'Serve a folder with --site <dir>, or proxy to your app with --origin <url>.' });
  }
  if (options.site !== undefined) return { kind: 'site', dir: resolve(options.site) };
  if (options.origin !== undefined) return { kind: 'proxy', url: options.origin };
  return { kind: 'demo' };
}

/** Resolves when the sandbox has stopped again (SIGINT or SIGTERM). */
export async function runDev(options: DevOptions, out: Output): Promise<ExitCode> {
  const port = integer(options.port, '--port')!;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`, { hint: '--port 0 picks a free port.' });
  const cacheTtlSeconds = integer(options.cacheTtl, '--cache-ttl');
  const sessionTtlSeconds = integer(options.sessionTtl, '--session-ttl');
  const origin = originOf(options);
  const userSpecs = options.user ?? [];
  const demoUser = userSpecs.length === 0;
  const users = demoUser ? [{ email: 'demo@example.com', password: randomBytes(9).toString('base64url') }] : userSpecs.map(parseUser);
  const publicPaths = options.public ?? [];

  const sandbox = await startSandbox({
    port,
    users,
    origin,
    ...(cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds }),
    ...(sessionTtlSeconds === undefined ? {} : { sessionTtlSeconds }),
    publicPaths: publicPaths.length === 0 && origin.kind === 'demo' ? DEMO_PUBLIC_PATHS : publicPaths,
    allowedGroups: options.allowedGroup ?? [],
    ...(options.dataDir === undefined ? {} : { dataDir: resolve(options.dataDir) }),
    log: out.log,
  });

  const lines = [
    `cogcf dev: the barrier is running at ${sandbox.url}`,
    '',
    ...sandbox.users.map(
      (u, i) => `  ${i === 0 ? (demoUser ? 'demo user' : 'users    ') : '         '}  ${u.email}  password: ${u.password}${u.groups.length ? `  groups: ${u.groups.join(',')}` : ''}`,
    ),
    `  origin     ${origin.kind === 'demo' ? 'the built-in demo site' : origin.kind === 'site' ? origin.dir : origin.url}`,
    `  state      ${sandbox.dataDir ? `kept in ${sandbox.dataDir}` : 'in memory (gone when the sandbox stops)'}; bundles in ${sandbox.buildDir}`,
    `  sessions   cogcf sessions --sandbox   ·   cogcf revoke <handle> --sandbox`,
    '',
    'Press Ctrl-C to stop.',
  ];
  out.result(lines.join('\n'), {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'dev',
    ok: true,
    url: sandbox.url,
    users: sandbox.users.map((u) => ({ email: u.email, password: u.password, groups: u.groups })),
    buildDir: sandbox.buildDir,
    dataDir: sandbox.dataDir ?? null,
  });

  await new Promise<void>((done) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      done();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  out.log('Stopping the sandbox…');
  await sandbox.close();
  out.log('Stopped.');
  // Ctrl-C is how a dev server is meant to stop, not a failure.
  return ExitCode.Success;
}
