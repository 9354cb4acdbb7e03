// A DynamoDB JSON-protocol client small enough for the edge bundle: SigV4 over
// node:http(s) with a keep-alive agent. The full SDK client is hundreds of kB
// bundled (the edge target is 21 kB) and the runtime-provided SDK costs tens
// of ms at cold start. Credentials come from the environment Lambda sets for
// the function's role (also at the edge, where user variables are not allowed).
import type { IncomingMessage, RequestOptions } from 'node:http';
import type { TableConfig } from './config.js';
import { signPost, type Credentials } from './sigv4.js';

export type DynamoOperation = 'GetItem' | 'PutItem' | 'DeleteItem' | 'UpdateItem' | 'Query' | 'Scan' | 'CreateTable' | 'DescribeTable';

/** `code` is DynamoDB's error type (`ConditionalCheckFailedException`…) or `Timeout` / `NetworkError`. */
export class DynamoError extends Error {
  override readonly name = 'DynamoError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface DynamoClient {
  call(operation: DynamoOperation, input: object, options?: { timeoutMs?: number }): Promise<Record<string, unknown>>;
}

export interface DynamoClientOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => Date;
}

function credentialsFrom(env: Readonly<Record<string, string | undefined>>): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new DynamoError('CredentialsMissing', 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

export function createDynamoClient(table: TableConfig, options: DynamoClientOptions = {}): DynamoClient {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const url = new URL(table.endpoint ?? `https://dynamodb.${table.region}.amazonaws.com`);
  const secure = url.protocol === 'https:';
  // Only the transport this endpoint needs is loaded (node:https alone costs
  // ~2 ms of cold start), synchronously: a dynamic import() would start Node's
  // ESM loader inside the CommonJS bundle. The edge checker creates its client
  // on the first request that carries a session cookie, so anonymous cold
  // starts load neither. Keep-alive lets a warm container skip TCP and TLS set-up.
  const transport = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const request = transport.request;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 50 });

  return {
    async call(operation, input, { timeoutMs = 3000 } = {}) {
      const body = JSON.stringify(input);
      const headers = signPost({
        host: url.host,
        region: table.region,
        service: 'dynamodb',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body,
        credentials: credentialsFrom(env),
        now: now(),
      });
      const requestOptions: RequestOptions = {
        method: 'POST',
        host: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: '/',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent,
      };
      const deadline = Date.now() + timeoutMs;
      // A pooled socket the server closed while the container was frozen fails
      // at once with ECONNRESET: that one case is retried on a fresh socket.
      const send = (): Promise<Record<string, unknown>> =>
        new Promise((resolve, reject) => {
          const req = request(requestOptions, (res: IncomingMessage) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (e) => reject(new DynamoError('NetworkError', e.message)));
            res.on('end', () => {
              clearTimeout(timer);
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: Record<string, unknown>;
              try {
                parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
              } catch {
                reject(new DynamoError('InvalidResponse', `unparsable DynamoDB response (HTTP ${res.statusCode})`, res.statusCode));
                return;
              }
              if (res.statusCode === 200) {
                resolve(parsed);
                return;
              }
              const type = typeof parsed.__type === 'string' ? parsed.__type : 'UnknownError';
              const message = String(parsed.message ?? parsed.Message ?? `HTTP ${res.statusCode}`);
              reject(new DynamoError(type.slice(type.lastIndexOf('#') + 1), message, res.statusCode));
            });
          });
          const timer = setTimeout(() => {
            req.destroy();
            reject(new DynamoError('Timeout', `DynamoDB ${operation} took longer than ${timeoutMs} ms`));
          }, Math.max(0, deadline - Date.now()));
          req.on('error', (e: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            if (req.reusedSocket && e.code === 'ECONNRESET' && Date.now() < deadline) resolve(send());
            else reject(new DynamoError('NetworkError', e.message));
          });
          req.end(body);
        });
      return send();
    },
  };
}
