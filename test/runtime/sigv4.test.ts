import { createHash, createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signPost } from '../../runtime/core/sigv4.js';

// The SDK's hash interface over node:crypto (HMAC when given a key).
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
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
