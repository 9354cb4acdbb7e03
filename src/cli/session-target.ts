// The session table `cogcf sessions` and `cogcf revoke` act on. This version
// knows one: the running `cogcf dev` sandbox (`--sandbox`). The operations
// themselves (src/sessions/) take any SessionTable, so AWS can come later
// without touching them.
import { createDynamoClient, DynamoError } from '../../runtime/core/dynamo.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { readSandboxState, SANDBOX_DB_ENV, type SandboxState } from '../dev/sandbox-state.js';
import { CogcfError, UsageError } from '../errors.js';

export interface TargetOptions {
  readonly sandbox?: boolean;
}

export interface SessionTarget {
  readonly table: SessionTable;
  readonly sandbox: SandboxState;
  /** For people, e.g. "the cogcf dev sandbox at http://127.0.0.1:8080". */
  readonly description: string;
  /** For --json documents. */
  readonly asJson: { readonly kind: 'sandbox'; readonly url: string; readonly pid: number; readonly table: string };
}

/** `example` is the command line to suggest, e.g. `cogcf sessions --sandbox`. */
export async function openSessionTarget(options: TargetOptions, example: string): Promise<SessionTarget> {
  if (options.sandbox !== true) {
    throw new UsageError('Only the local sandbox (--sandbox) is available in this version: sessions in AWS come in a later version.', {
      code: 'ERR_NOT_AVAILABLE',
      hint: `Start the sandbox with \`cogcf dev\`, then run \`${example}\` in another terminal.`,
    });
  }
  const sandbox = await readSandboxState();
  return {
    table: new SessionTable(createDynamoClient(sandbox.table, { env: SANDBOX_DB_ENV }), sandbox.table.name),
    sandbox,
    description: `the cogcf dev sandbox at ${sandbox.url}`,
    asJson: { kind: 'sandbox', url: sandbox.url, pid: sandbox.pid, table: sandbox.table.name },
  };
}

/** Runs `work` against the target's table; a table that cannot answer becomes ERR_SESSION_TABLE (exit 1). */
export async function onSessionTable<T>(target: SessionTarget, work: (table: SessionTable) => Promise<T>): Promise<T> {
  try {
    return await work(target.table);
  } catch (e) {
    if (!(e instanceof DynamoError)) throw e;
    throw new CogcfError('ERR_SESSION_TABLE', `The session table of ${target.description} did not answer: ${e.message} (${e.code}).`, {
      hint: 'Check that `cogcf dev` is still running, or restart it.',
      cause: e,
    });
  }
}
