// The session table `cogcf sessions` and `cogcf revoke` act on: the running
// `cogcf dev` sandbox (`--sandbox`), or a deployed barrier's table, named by
// its barrier config (`--config`). The operations themselves (src/sessions/)
// take any SessionTable.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createDynamoClient, DynamoError } from '../../runtime/core/dynamo.js';
import { SessionTable } from '../../runtime/core/session-table.js';
import { toCogcfError } from '../aws/errors.js';
import { loadBarrierConfig } from '../config/barrier-config.js';
import { readSandboxState, SANDBOX_DB_ENV } from '../dev/sandbox-state.js';
import { CogcfError, UsageError } from '../errors.js';

export interface TargetOptions {
  readonly sandbox?: boolean;
  /** A barrier config file: its sessionTable is the deployed table. */
  readonly config?: string;
}

export type TargetJson =
  | { readonly kind: 'sandbox'; readonly url: string; readonly pid: number; readonly table: string }
  | { readonly kind: 'aws'; readonly region: string; readonly table: string };

export interface SessionTarget {
  readonly table: SessionTable;
  /** For people, e.g. "the cogcf dev sandbox at http://127.0.0.1:8080". */
  readonly description: string;
  /** What to check when the table does not answer. */
  readonly hint: string;
  /** For --json documents. */
  readonly asJson: TargetJson;
}

/** `command` is the command line without its target flag, e.g. `cogcf sessions`, to suggest. */
export async function openSessionTarget(options: TargetOptions, command: string): Promise<SessionTarget> {
  if ((options.sandbox === true) === (options.config !== undefined)) {
    throw new UsageError(`give either --sandbox (the running cogcf dev) or --config <file> (a deployed barrier)${options.sandbox ? ', not both' : ''}`, {
      hint: `For example \`${command} --sandbox\`, or \`${command} --config barrier.json\`.`,
    });
  }
  if (options.config !== undefined) return openDeployedTable(options.config);
  const sandbox = await readSandboxState();
  return {
    table: new SessionTable(createDynamoClient(sandbox.table, { env: SANDBOX_DB_ENV }), sandbox.table.name),
    description: `the cogcf dev sandbox at ${sandbox.url}`,
    hint: 'Check that `cogcf dev` is still running, or restart it.',
    asJson: { kind: 'sandbox', url: sandbox.url, pid: sandbox.pid, table: sandbox.table.name },
  };
}

/**
 * The table a barrier config names, reached with the AWS credentials of the
 * environment (profile, SSO, role: the SDK's own chain, resolved once) and,
 * like the SDK, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL when set.
 */
async function openDeployedTable(configPath: string): Promise<SessionTarget> {
  const { table } = (await loadBarrierConfig(configPath)).manager;
  let credentials;
  try {
    credentials = await defaultProvider()();
  } catch (e) {
    throw toCogcfError(e, { action: 'dynamodb', resource: table.name });
  }
  const env = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
  };
  const endpoint = table.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
  return {
    table: new SessionTable(createDynamoClient({ ...table, ...(endpoint === undefined ? {} : { endpoint }) }, { env }), table.name),
    // "The session table of the session table …" reads badly in onSessionTable's message.
    description: `the deployed barrier (${table.name} in ${table.region})`,
    hint: 'Check the AWS credentials in use, their permissions on the table (Scan, Query, DeleteItem), and sessionTable in the config.',
    asJson: { kind: 'aws', region: table.region, table: table.name },
  };
}

/** Runs `work` against the target's table; a table that cannot answer becomes ERR_SESSION_TABLE (exit 1). */
export async function onSessionTable<T>(target: SessionTarget, work: (table: SessionTable) => Promise<T>): Promise<T> {
  try {
    return await work(target.table);
  } catch (e) {
    if (!(e instanceof DynamoError)) throw e;
    throw new CogcfError('ERR_SESSION_TABLE', `The session table of ${target.description} did not answer: ${e.message} (${e.code}).`, {
      hint: target.hint,
      cause: e,
    });
  }
}
