// A real DynamoDB-compatible server for tests: dynalite on 127.0.0.1, with the
// session table created the way the manager stack defines it.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableConfig } from '../../runtime/core/config.js';
import { KEY_ATTRIBUTE, SUB_INDEX } from '../../runtime/core/session-table.js';

/** Credentials for a local server; the DynamoDB client reads them from the environment. */
export const TEST_ENV = { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret', AWS_REGION: 'us-east-1' };

export interface SessionDb {
  readonly endpoint: string;
  readonly table: TableConfig;
  close(): Promise<void>;
}

export async function startSessionDb(tableName = 'cogcf-sessions'): Promise<SessionDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sdk = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_ENV.AWS_SECRET_ACCESS_KEY },
  });
  await sdk.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: 'sub', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        { IndexName: SUB_INDEX, KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
      ],
    }),
  );
  sdk.destroy();
  return {
    endpoint,
    table: { name: tableName, region: 'us-east-1', endpoint },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
