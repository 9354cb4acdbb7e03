// Uploads a `cogcf bundle` zip to the artifact bucket under a content-addressed
// key, `<name>/<sha256>.zip`: the same bytes always land on the same key, so an
// unchanged bundle is never uploaded twice and a changed one never overwrites
// the artifact a running stack (or its rollback) points at.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { isNotFound, toCogcfError } from '../aws/errors.js';
import { CogcfError } from '../errors.js';
import type { Artifact } from '../templates/stack-parameters.js';

/** A built function's zip, as `buildBarrier` returns it. */
export interface ArtifactSource {
  readonly name: string;
  readonly zipPath: string;
  /** SHA-256 of the zip, hex. */
  readonly sha256: string;
}

export interface UploadedArtifact extends Artifact {
  /** False when the key already existed and nothing was sent. */
  readonly uploaded: boolean;
}

export const artifactKey = (name: string, sha256: string): string => `${name}/${sha256}.zip`;

async function readZip(source: ArtifactSource): Promise<Buffer> {
  let zip: Buffer;
  try {
    zip = await readFile(source.zipPath);
  } catch (e) {
    throw new CogcfError('ERR_BUNDLE_BUILD', `Cannot read the ${source.name} bundle at ${source.zipPath}: ${(e as Error).message}`, {
      hint: 'Run `cogcf bundle` again.',
      cause: e,
    });
  }
  // The key promises this content; a zip rebuilt since it was hashed would break that promise.
  const actual = createHash('sha256').update(zip).digest('hex');
  if (actual !== source.sha256) {
    throw new CogcfError('ERR_BUNDLE_BUILD', `The ${source.name} bundle at ${source.zipPath} changed after it was built (SHA-256 ${actual}, expected ${source.sha256}).`, {
      hint: 'Run `cogcf bundle` again.',
    });
  }
  return zip;
}

async function objectExists(clients: AwsClients, bucket: string, key: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw toCogcfError(e, { action: 's3:GetObject', resource: `${bucket}/${key}` });
  }
}

export async function uploadArtifact(clients: AwsClients, bucket: string, source: ArtifactSource): Promise<UploadedArtifact> {
  const zip = await readZip(source);
  const key = artifactKey(source.name, source.sha256);
  const artifact = { bucket, key, sha256: source.sha256 };
  if (await objectExists(clients, bucket, key)) return { ...artifact, uploaded: false };
  try {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: zip,
        ContentType: 'application/zip',
        // S3 rejects the upload unless the bytes it received match both; naming
        // the algorithm makes S3 keep the checksum, readable with HeadObject.
        ContentMD5: createHash('md5').update(zip).digest('base64'),
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(source.sha256, 'hex').toString('base64'),
      }),
    );
  } catch (e) {
    throw toCogcfError(e, { action: 's3:PutObject', resource: `${bucket}/${key}` });
  }
  return { ...artifact, uploaded: true };
}
