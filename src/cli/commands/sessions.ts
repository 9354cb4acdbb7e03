// `cogcf sessions`: who is signed in, to the running sandbox (--sandbox) or a
// deployed barrier (--config, read with a consistent Scan of its table).
import type { Command } from 'commander';
import { ExitCode } from '../../exit-codes.js';
import { JSON_SCHEMA_VERSION, type Output } from '../../output.js';
import { listSessions } from '../../sessions/list-sessions.js';
import { onSessionTable, openSessionTarget, type TargetOptions } from '../session-target.js';
import { sessionJson, sessionsTable } from '../session-view.js';

export type SessionsOptions = TargetOptions;

/** Adds `sessions` to `program`; the caller attaches the action. */
export function sessionsCommand(program: Command): Command {
  return program
    .command('sessions')
    .description('List the live sessions: handle, user, created, expires.')
    .option('--sandbox', 'the sessions of the running `cogcf dev` sandbox')
    .option('--config <file>', "the sessions in the deployed barrier's table, as its barrier config names it")
    .option('--json', 'print the result as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Give --sandbox or --config. A deployed table is read with the AWS credentials of the
environment (AWS_PROFILE, …), which need dynamodb:Scan on it.
A handle is the public name of a session (also sent to the origin as x-barrier-session);
revoke one with \`cogcf revoke <handle>\` and the same --sandbox or --config.

Examples:
  cogcf sessions --sandbox --json
  cogcf sessions --config barrier.json`,
    );
}

export async function runSessions(options: SessionsOptions, out: Output, now: () => number = Date.now): Promise<ExitCode> {
  const target = await openSessionTarget(options, 'cogcf sessions');
  const sessions = await onSessionTable(target, (table) => listSessions(table, Math.floor(now() / 1000)));
  out.log(`${sessions.length} live session${sessions.length === 1 ? '' : 's'} in ${target.description}.`);
  out.result(sessions.length === 0 ? 'No one is signed in.' : sessionsTable(sessions), {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'sessions',
    ok: true,
    target: target.asJson,
    sessions: sessions.map(sessionJson),
  });
  return ExitCode.Success;
}
