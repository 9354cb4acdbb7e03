import { createHash, createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { signPost } from '../../runtime/core/sigv4.js';

const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof Uint8Array ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

// The SDK's hash interface over node:crypto (HMAC when given a key).
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

// Our signer must produce exactly what the AWS SDK's own signer produces.
describe('signPost', () => {
  const cases = [
    { name: 'long-term keys', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } },
    {
      name: 'temporary keys (Lambda role)',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'c2VjcmV0', sessionToken: 'IQoJb3JpZ2luX2VjE//token==' },
    },
  ];
  for (const { name, credentials } of cases) {
    it(`matches @smithy/signature-v4 with ${name}`, async () => {
      const now = new Date('2026-11-23T20:41:07.123Z');
      const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'x' } }, ConsistentRead: true });
      const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };
      const ours = signPost({ host: 'dynamodb.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'dynamodb', headers, body, credentials, now });
      const smithy = new SignatureV4({ credentials, region: 'eu-west-1', service: 'dynamodb', sha256: Sha256, applyChecksum: false });
      const signed = await smithy.sign(
        new HttpRequest({ method: 'POST', protocol: 'https:', hostname: 'dynamodb.eu-west-1.amazonaws.com', path: '/', headers: { ...headers, host: 'dynamodb.eu-west-1.amazonaws.com' }, body }),
        { signingDate: now },
      );
      expect(ours.authorization).toBe(signed.headers.authorization);
      expect(ours['x-amz-date']).toBe('20261123T204107Z');
    });
  }
});
