// The sandbox's session table: dynalite (a DynamoDB-compatible server) on
// 127.0.0.1, in memory or kept in a folder, with the table laid out as the
// manager stack defines it (key `pk`, GSI `sub-index` on `sub`).
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { TableConfig } from '../../runtime/core/config.js';
import { createDynamoClient, DynamoError } from '../../runtime/core/dynamo.js';
import { KEY_ATTRIBUTE, SUB_INDEX } from '../../runtime/core/session-table.js';

export const SANDBOX_TABLE_NAME = 'cogcf-sessions';
const REGION = 'us-east-1';

export interface SandboxTable {
  readonly table: TableConfig;
  close(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Starts dynalite and creates the session table unless it is already there
 * (a kept `dataDir` holds it from an earlier run). `env` holds the
 * credentials the table's clients sign with.
 */
export async function startSandboxTable(options: { dataDir?: string; env: Env; tableName?: string }): Promise<SandboxTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const table: TableConfig = { name: options.tableName ?? SANDBOX_TABLE_NAME, region: REGION, endpoint };
  const close = () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  try {
    const db = createDynamoClient(table, { env: options.env });
    await db.call('CreateTable', {
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: 'sub', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: SUB_INDEX, KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    }).catch((e: unknown) => {
      if (!(e instanceof DynamoError && e.code === 'ResourceInUseException')) throw e;
    });
    // dynalite answers ResourceNotFound until the new table is ACTIVE.
    const status = async () => ((await db.call('DescribeTable', { TableName: table.name })).Table as { TableStatus?: string } | undefined)?.TableStatus;
    while ((await status()) !== 'ACTIVE') {
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { table, close };
}
