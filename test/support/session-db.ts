// A real DynamoDB-compatible server for tests: the sandbox's own session
// table (dynalite on 127.0.0.1, laid out as the manager stack defines it).
import type { TableConfig } from '../../runtime/core/config.js';
import { startSandboxTable } from '../../src/dev/sandbox-table.js';

/** Credentials for a local server; the DynamoDB client reads them from the environment. */
export const TEST_ENV = { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret', AWS_REGION: 'us-east-1' };

export interface SessionDb {
  readonly endpoint: string;
  readonly table: TableConfig;
  close(): Promise<void>;
}

export async function startSessionDb(tableName = 'cogcf-sessions'): Promise<SessionDb> {
  const { table, close } = await startSandboxTable({ env: TEST_ENV, tableName });
  return { endpoint: table.endpoint!, table, close };
}
