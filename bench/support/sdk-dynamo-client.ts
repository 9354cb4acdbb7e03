// The checker's DynamoDB client rebuilt on @aws-sdk/client-dynamodb, only to
// measure what that choice would cost in bundle bytes and cold start:
// bench/lib/client-choice.js bundles the checker with this module in place of
// runtime/core/dynamo.ts. The checker only ever reads (GetItem).
import { DynamoDBClient, GetItemCommand, type GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableConfig } from '../../runtime/core/config.js';
import { DynamoError, type DynamoClient } from '../../runtime/core/dynamo.js';

export { DynamoError };

export function createDynamoClient(table: TableConfig): DynamoClient {
  const client = new DynamoDBClient({ region: table.region, maxAttempts: 1, ...(table.endpoint === undefined ? {} : { endpoint: table.endpoint }) });
  return {
    async call(operation, input, { timeoutMs = 3000 } = {}) {
      if (operation !== 'GetItem') throw new DynamoError('Unsupported', `only GetItem is wired up here, not ${operation}`);
      try {
        const out = await client.send(new GetItemCommand(input as GetItemCommandInput), { abortSignal: AbortSignal.timeout(timeoutMs) });
        return out as unknown as Record<string, unknown>;
      } catch (e) {
        throw new DynamoError(e instanceof Error ? e.name : 'UnknownError', String(e));
      }
    },
  };
}
