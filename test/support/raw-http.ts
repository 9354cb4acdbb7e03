// Plain node:http for tests that must control the bytes on the wire: paths go
// out as given (fetch would normalise `..` and `%2e%2e` away), header lines
// as given (two Cookie lines stay two), and no connection is pooled unless a
// test asks for it.
import { createServer, request, type Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  /** Every line of one header, by lower-case name. */
  values(name: string): string[];
  readonly body: Buffer;
  readonly text: string;
}

export interface RawRequestOptions {
  readonly method?: string;
  /** A header object, or header lines as `[name, value, name, value, …]` sent exactly as given. */
  readonly headers?: OutgoingHttpHeaders | readonly string[];
  readonly body?: string | Buffer;
  readonly agent?: Agent;
}

/** Every line of one header, by lower-case name, from Node's `rawHeaders`. */
export const headerValues =
  (raw: readonly string[]) =>
  (name: string): string[] =>
    raw.flatMap((n, i) => (i % 2 === 0 && n.toLowerCase() === name ? [raw[i + 1]!] : []));

const isLines = (headers: RawRequestOptions['headers']): headers is readonly string[] => Array.isArray(headers);

export function rawRequest(base: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(base);
  let headers: OutgoingHttpHeaders | string[] | undefined;
  if (isLines(options.headers)) {
    // With raw header lines Node adds no Host of its own.
    const given = options.headers;
    headers = given.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host') ? [...given] : ['Host', url.host, ...given];
  } else {
    headers = options.headers;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', ...(headers ? { headers } : {}), agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            values: headerValues(res.rawHeaders),
            body,
            text: body.toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A port nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
