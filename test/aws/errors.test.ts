// How SDK failures reach the user: what moto cannot produce (denied
// permissions, expired tokens, throttling) through aws-sdk-client-mock, and the
// SDK's own retries through a local server that always throttles.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../src/aws/clients.js';
import { AwsPermissionError, isNotFound, toCogcfError } from '../../src/aws/errors.js';
import { ensureArtifactBucket } from '../../src/deploy/artifact-bucket.js';
import { uploadArtifact } from '../../src/deploy/upload-artifacts.js';
import { isCogcfError } from '../../src/errors.js';

const ACCOUNT = '111122223333';
const BUCKET = `cogcf-artifacts-${ACCOUNT}-eu-west-1`;

const sdkError = (name: string, status: number, message = `${name} from AWS`) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** Clients whose S3 is mocked; the rest are never touched by these adapters. */
function mockedClients() {
  const clients = awsClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
  return { clients, s3: mockClient(clients.s3) };
}

describe('toCogcfError', () => {
  it.each([
    ['ExpiredToken', 400],
    ['ExpiredTokenException', 400],
    ['InvalidAccessKeyId', 403],
    ['SignatureDoesNotMatch', 403],
    ['UnrecognizedClientException', 400],
  ])('%s is an auth error that says how to sign in, not a permission error', (name, status) => {
    const error = toCogcfError(sdkError(name, status), { action: 's3:CreateBucket', resource: BUCKET });
    expect(error).toMatchObject({ code: 'ERR_AWS_AUTH', exitCode: 1 });
    expect(error.hint).toContain('aws sso login');
  });

  it('treats a credential provider that found nothing as an auth error', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(toCogcfError(missing, { action: 'sts:GetCallerIdentity' })).toMatchObject({ code: 'ERR_AWS_AUTH' });
  });

  it.each(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])('%s names the missing permission and the resource', (name) => {
    const error = toCogcfError(sdkError(name, 403), { action: 's3:PutBucketVersioning', resource: BUCKET });
    expect(error).toBeInstanceOf(AwsPermissionError);
    expect(error).toMatchObject({ code: 'ERR_AWS_PERMISSION', action: 's3:PutBucketVersioning', resource: BUCKET });
    expect(error.message).toContain(`s3:PutBucketVersioning on ${BUCKET}`);
    expect(error.hint).toContain(`Grant s3:PutBucketVersioning on ${BUCKET}`);
  });

  it('reads a bodiless 403 (HeadBucket, HeadObject) as a permission error', () => {
    expect(toCogcfError(sdkError('403', 403), { action: 's3:ListBucket', resource: BUCKET })).toMatchObject({ code: 'ERR_AWS_PERMISSION' });
  });

  it.each([
    ['SlowDown', 503],
    ['ThrottlingException', 400],
    ['Unknown', 503],
  ])('%s (%i) left over after the SDK retries becomes ERR_AWS with a retry hint', (name, status) => {
    const error = toCogcfError(sdkError(name, status), { action: 's3:PutObject' });
    expect(error).toMatchObject({ code: 'ERR_AWS', message: expect.stringContaining('still throttled') });
    expect(error.hint).toContain('run the command again');
  });

  it('keeps anything else as ERR_AWS with the SDK error as its cause', () => {
    const cause = sdkError('InternalError', 500, 'We encountered an internal error');
    const error = toCogcfError(cause, { action: 's3:PutObject', resource: `${BUCKET}/checker/abc.zip` });
    expect(error).toMatchObject({ code: 'ERR_AWS', cause });
    expect(error.message).toBe(`s3:PutObject on ${BUCKET}/checker/abc.zip failed: We encountered an internal error`);
    expect(isCogcfError(error)).toBe(true);
  });

  it('does not mistake a 404 for a failure worth wrapping', () => {
    expect(isNotFound(sdkError('NotFound', 404))).toBe(true);
    expect(isNotFound(sdkError('AccessDenied', 403))).toBe(false);
  });
});

describe('artifact adapters through a mocked S3', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cogcf-errors-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('AccessDenied on CreateBucket becomes a message naming s3:CreateBucket and the bucket', async () => {
    const { clients, s3 } = mockedClients();
    s3.on(HeadBucketCommand).rejects(sdkError('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(sdkError('AccessDenied', 403, 'User: arn:aws:iam::111122223333:user/ci is not authorized'));

    const failure = await ensureArtifactBucket(clients, ACCOUNT).catch((e: unknown) => e);

    expect(failure).toMatchObject({ code: 'ERR_AWS_PERMISSION', action: 's3:CreateBucket', resource: BUCKET });
    expect(s3).toHaveReceivedCommandWith(CreateBucketCommand, { Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  });

  it('ExpiredToken on the first read becomes an auth error before anything is changed', async () => {
    const { clients, s3 } = mockedClients();
    s3.on(HeadBucketCommand).rejects(sdkError('ExpiredToken', 400, 'The provided token has expired.'));

    await expect(ensureArtifactBucket(clients, ACCOUNT)).rejects.toMatchObject({ code: 'ERR_AWS_AUTH' });
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
  });

  it('a bucket a parallel run just created is not an error; the settings still get applied', async () => {
    const { clients, s3 } = mockedClients();
    s3.on(HeadBucketCommand).rejects(sdkError('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(sdkError('BucketAlreadyOwnedByYou', 409));
    s3.on(PutPublicAccessBlockCommand).resolves({});

    const { changes } = await ensureArtifactBucket(clients, ACCOUNT);

    expect(changes.map((c) => c.kind)).toEqual(['create', 'block-public-access', 'encrypt', 'enable-versioning', 'set-lifecycle']);
    expect(s3).toHaveReceivedCommandWith(PutBucketVersioningCommand, { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT, VersioningConfiguration: { Status: 'Enabled' } });
  });

  it('every read and write of an existing bucket insists the bucket is ours', async () => {
    const { clients, s3 } = mockedClients();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } });
    s3.on(GetPublicAccessBlockCommand).rejects(sdkError('NoSuchPublicAccessBlockConfiguration', 404));
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(sdkError('NoSuchLifecycleConfiguration', 404));

    const { changes } = await ensureArtifactBucket(clients, ACCOUNT);

    // A KMS default key is kept: it is stronger than SSE-S3, not wrong.
    expect(changes.map((c) => c.kind)).toEqual(['block-public-access', 'enable-versioning', 'set-lifecycle']);
    for (const call of s3.calls()) expect(call.args[0].input).toMatchObject({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT });
  });

  it('AccessDenied on PutObject names s3:PutObject and the object', async () => {
    const { clients, s3 } = mockedClients();
    const zipPath = join(dir, 'checker.zip');
    await writeFile(zipPath, 'PK bytes');
    const sha256 = createHash('sha256').update('PK bytes').digest('hex');
    s3.on(HeadObjectCommand).rejects(sdkError('NotFound', 404));
    s3.on(PutObjectCommand).rejects(sdkError('AccessDenied', 403));

    const failure = await uploadArtifact(clients, BUCKET, { name: 'checker', zipPath, sha256 }).catch((e: unknown) => e);

    expect(failure).toMatchObject({ code: 'ERR_AWS_PERMISSION', action: 's3:PutObject', resource: `${BUCKET}/checker/${sha256}.zip` });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      ContentType: 'application/zip',
      ContentMD5: createHash('md5').update('PK bytes').digest('base64'),
      ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
    });
  });
});

describe('throttling', () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    // Answers every request the way S3 does when it is shedding load.
    server = createServer((req, res) => {
      requests += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is retried by the SDK, and what is left becomes ERR_AWS with a retry hint', async () => {
    const { port } = server.address() as AddressInfo;
    const clients = awsClients({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
    clients.s3.config.credentials = async () => credentials;

    const failure = await ensureArtifactBucket(clients, ACCOUNT).catch((e: unknown) => e);

    expect(requests).toBe(2);
    expect(failure).toMatchObject({ code: 'ERR_AWS', message: expect.stringContaining('s3:ListBucket on ' + BUCKET + ' was still throttled after retries') });
    expect((failure as Error & { hint: string }).hint).toContain('run the command again');
  });
});
