// AWS Signature Version 4 for the one request shape we send: a JSON POST to
// `/` with no query string. The general signers cost too much at the edge
// (aws4: 8.4 kB minified and 3.7 ms to load here, mostly for URL and query
// handling we never use); this one is checked against @smithy/signature-v4
// in test/runtime/sigv4.test.ts.
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly host: string;
  readonly region: string;
  readonly service: string;
  /** Lower-case names; host, x-amz-date and x-amz-security-token are added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly credentials: Credentials;
  readonly now: Date;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

// Deriving the key takes four HMACs; it changes once a day per secret.
let cachedKey: { id: string; key: Buffer } | undefined;
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  if (cachedKey?.id !== id) {
    cachedKey = { id, key: hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request') };
  }
  return cachedKey.key;
}

/** The headers to send: the input's plus host, x-amz-date, the token and authorization. */
export function signPost(input: SignInput): Record<string, string> {
  const amzDate = input.now.toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20150830T123600Z
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.host, 'x-amz-date': amzDate };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(input.body)}`;
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const key = signingKey(input.credentials.secretAccessKey, date, input.region, input.service);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
