// `cogcf revoke <handle>` and `cogcf revoke --user <email|sub>`, in the sandbox
// (--sandbox) or a deployed barrier's table (--config): ends sessions at once (a checker that cached one lets it pass until its
// cache TTL runs out). Revoking what is already gone is a no-op and exits 0.
import type { Command } from 'commander';
import { isWellFormedHandle } from '../../../runtime/core/session-ids.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { JSON_SCHEMA_VERSION, type Output } from '../../output.js';
import { revokeSession, revokeUser, type RevocationResult } from '../../sessions/revoke.js';
import { sessionUser } from '../../sessions/list-sessions.js';
import { onSessionTable, openSessionTarget, type SessionTarget, type TargetOptions } from '../session-target.js';
import { sessionJson, sessionsTable } from '../session-view.js';

export interface RevokeOptions extends TargetOptions {
  readonly user?: string;
}

const USAGE_HINT = 'Run `cogcf revoke --help` for usage.';

/** Adds `revoke` to `program`; the caller attaches the action. */
export function revokeCommand(program: Command): Command {
  return program
    .command('revoke')
    .description('Revoke a session by its handle, or every session of a user.')
    .argument('[handle]', 'the session handle, as `cogcf sessions` lists it')
    .option('--user <email|sub>', "revoke all of a user's sessions, by e-mail address or Cognito sub")
    .option('--sandbox', 'in the running `cogcf dev` sandbox')
    .option('--config <file>', "in the deployed barrier's session table, as its barrier config names it")
    .option('--json', 'print the result as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Give --sandbox or --config. A deployed table is reached with the AWS credentials of the
environment (AWS_PROFILE, …), which need dynamodb:DeleteItem on it, and Scan and Query for --user.
Revoking a session that is already gone changes nothing and still exits 0.
A checker that has the session cached lets it pass until its cache TTL runs out (30 s by default).

Examples:
  cogcf revoke Xq3vJ0m5m6h0o3c2bXfN0r9yq2oRk3fR0b1J9y8Yk2A --sandbox
  cogcf revoke --user alice@example.com --sandbox --json
  cogcf revoke --user alice@example.com --config barrier.json`,
    );
}

/**
 * Handles are base64url, so one in 64 starts with `-` and would be read as an
 * unknown option. Such a handle (where it stands as the operand, not as the
 * value of --user) is moved behind `--`, where only operands go.
 */
export function handleOperandsLast(argv: readonly string[]): string[] {
  if (argv.includes('--')) return [...argv];
  const moved: string[] = [];
  const rest = argv.filter((arg, i) => {
    const isDashHandle = arg.startsWith('-') && isWellFormedHandle(arg) && argv[i - 1] !== '--user';
    if (isDashHandle) moved.push(arg);
    return !isDashHandle;
  });
  return moved.length === 0 ? rest : [...rest, '--', ...moved];
}

function checkArguments(handle: string | undefined, user: string | undefined): void {
  if (handle !== undefined && user !== undefined) {
    throw new UsageError('give either a session <handle> or --user <email|sub>, not both', { hint: USAGE_HINT });
  }
  if (user === '') throw new UsageError('--user <email|sub> needs an e-mail address or a sub', { hint: USAGE_HINT });
  if (handle === undefined && user === undefined) throw new UsageError('missing <handle> or --user <email|sub>', { hint: USAGE_HINT });
  if (handle !== undefined && !isWellFormedHandle(handle)) {
    throw new UsageError(`"${handle}" is not a session handle: a handle is 43 characters of A-Z, a-z, 0-9, "-" and "_"`, {
      hint: 'Copy it from `cogcf sessions --sandbox` (or from the x-barrier-session header your origin received).',
    });
  }
}

function summary({ revoked }: RevocationResult, what: string): string {
  if (revoked.length === 0) return `Nothing to revoke: ${what} has no live session (already revoked, expired, or never signed in).`;
  const users = [...new Set(revoked.map(sessionUser))].join(', ');
  return `Revoked ${revoked.length} session${revoked.length === 1 ? '' : 's'} of ${users}:\n${sessionsTable(revoked)}`;
}

function report(out: Output, target: SessionTarget, result: RevocationResult, what: string, subject: object): ExitCode {
  if (result.revoked.length > 0) {
    out.log(`Revoked in ${target.description}. A checker that had one of these sessions cached lets it pass until its cache TTL runs out.`);
  }
  out.result(summary(result, what), {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'revoke',
    ok: true,
    target: target.asJson,
    ...subject,
    revoked: result.revoked.map(sessionJson),
    alreadyGone: result.alreadyGone,
  });
  return ExitCode.Success;
}

export async function runRevoke(handle: string | undefined, options: RevokeOptions, out: Output, now: () => number = Date.now): Promise<ExitCode> {
  checkArguments(handle, options.user);
  const user = options.user ?? '';
  const target = await openSessionTarget(options, handle !== undefined ? `cogcf revoke ${handle}` : `cogcf revoke --user ${user}`);
  const nowSeconds = Math.floor(now() / 1000);
  if (handle !== undefined) {
    const result = await onSessionTable(target, (table) => revokeSession(table, handle, nowSeconds));
    return report(out, target, result, `session ${handle}`, { handle });
  }
  const result = await onSessionTable(target, (table) => revokeUser(table, user, nowSeconds));
  return report(out, target, result, user, { user, subs: result.subs });
}
