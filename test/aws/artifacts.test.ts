// The artifact bucket and uploads against a real moto server, confirmed by an
// outside client (boto3, which ships with moto) that shares none of our code.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsClients, type AwsClients } from '../../src/aws/clients.js';
import {
  ARTIFACT_LIFECYCLE_RULE,
  LIFECYCLE_RULE_ID,
  NONCURRENT_DAYS,
  artifactBucketName,
  ensureArtifactBucket,
  planArtifactBucket,
} from '../../src/deploy/artifact-bucket.js';
import { uploadArtifact } from '../../src/deploy/upload-artifacts.js';
import { useMoto } from '../support/moto.js';

const moto = useMoto();
let accountId: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cogcf-artifacts-'));
  accountId = (await clientsFor('us-east-1').sts.send(new GetCallerIdentityCommand({}))).Account!;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const clientsFor = (region: string): AwsClients => awsClients({ region, endpoint: moto.endpoint, maxAttempts: 1 });

/** Runs boto3 against moto; `script` prints JSON. */
function boto3(region: string, script: string): unknown {
  const out = execFileSync('python3', ['-c', `import boto3, json\ns3 = boto3.client('s3')\n${script}`], {
    env: { ...process.env, ...moto.env, AWS_DEFAULT_REGION: region },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** Every command an S3 client sends, by name. */
function recordCommands(s3: S3Client): string[] {
  const names: string[] = [];
  const send = s3.send.bind(s3);
  vi.spyOn(s3, 'send').mockImplementation(((command: { constructor: { name: string } }) => {
    names.push(command.constructor.name);
    return send(command as never);
  }) as never);
  return names;
}

async function writeZip(name: string, content: string): Promise<{ name: string; zipPath: string; sha256: string }> {
  const zipPath = join(dir, `${name}-${createHash('sha1').update(content).digest('hex')}.zip`);
  await writeFile(zipPath, content);
  return { name, zipPath, sha256: createHash('sha256').update(content).digest('hex') };
}

async function readSettings(s3: S3Client, bucket: string) {
  const [versioning, encryption, publicAccess, lifecycle, location] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
    s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
    s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
    s3.send(new GetBucketLocationCommand({ Bucket: bucket })),
  ]);
  return {
    versioning: versioning.Status,
    sse: encryption.ServerSideEncryptionConfiguration?.Rules?.map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm),
    publicAccess: publicAccess.PublicAccessBlockConfiguration,
    lifecycle: lifecycle.Rules,
    location: location.LocationConstraint,
  };
}

const ALL_BLOCKED = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

describe('planArtifactBucket (pure)', () => {
  const compliant = { versioningEnabled: true, encrypted: true, publicAccessBlocked: true, lifecycleRules: [ARTIFACT_LIFECYCLE_RULE] };

  it('plans nothing for a compliant bucket', () => {
    expect(planArtifactBucket(compliant)).toEqual([]);
  });

  it('replaces a disabled cogcf rule in place and keeps the owner\'s other rules', () => {
    const theirs = { ID: 'theirs', Status: 'Enabled' as const, Filter: { Prefix: 'x/' }, Expiration: { Days: 1 } };
    const plan = planArtifactBucket({ ...compliant, lifecycleRules: [theirs, { ...ARTIFACT_LIFECYCLE_RULE, Status: 'Disabled' }] });
    expect(plan).toEqual([{ kind: 'set-lifecycle', rules: [theirs, ARTIFACT_LIFECYCLE_RULE], reason: expect.any(String) }]);
  });

  it('fixes suspended versioning alone', () => {
    expect(planArtifactBucket({ ...compliant, versioningEnabled: false }).map((c) => c.kind)).toEqual(['enable-versioning']);
  });
});

describe.each([
  { region: 'us-east-1', location: undefined },
  { region: 'eu-west-1', location: 'eu-west-1' },
])('ensureArtifactBucket in $region', ({ region, location }) => {
  it('creates a versioned, encrypted, private bucket with a lifecycle rule', async () => {
    const clients = clientsFor(region);
    const { bucket, changes } = await ensureArtifactBucket(clients, accountId);

    expect(bucket).toBe(`cogcf-artifacts-${accountId}-${region}`);
    expect(changes.map((c) => c.kind)).toEqual(['create', 'block-public-access', 'encrypt', 'enable-versioning', 'set-lifecycle']);
    const settings = await readSettings(clients.s3, bucket);
    expect(settings.versioning).toBe('Enabled');
    expect(settings.sse).toEqual(['AES256']);
    expect(settings.publicAccess).toEqual(ALL_BLOCKED);
    expect(settings.location ?? undefined).toBe(location);
    expect(settings.lifecycle).toHaveLength(1);
    expect(settings.lifecycle?.[0]).toMatchObject({
      ID: LIFECYCLE_RULE_ID,
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_DAYS },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });

  it('changes nothing the second time: only reads are sent', async () => {
    const clients = clientsFor(region);
    const sent = recordCommands(clients.s3);

    const { changes } = await ensureArtifactBucket(clients, accountId);

    expect(changes).toEqual([]);
    expect(sent.sort()).toEqual([
      'GetBucketEncryptionCommand',
      'GetBucketLifecycleConfigurationCommand',
      'GetBucketVersioningCommand',
      'GetPublicAccessBlockCommand',
      'HeadBucketCommand',
    ]);
  });

  it('is confirmed by an outside client (boto3)', () => {
    const bucket = artifactBucketName(accountId, region);
    const seen = boto3(
      region,
      `b = ${JSON.stringify(bucket)}
print(json.dumps({
  "buckets": [x["Name"] for x in s3.list_buckets()["Buckets"]],
  "versioning": s3.get_bucket_versioning(Bucket=b).get("Status"),
  "block": s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"],
  "location": s3.get_bucket_location(Bucket=b).get("LocationConstraint"),
}))`,
    );
    expect(seen).toEqual({ buckets: expect.arrayContaining([bucket]), versioning: 'Enabled', block: ALL_BLOCKED, location: location ?? null });
  });
});

describe('ensureArtifactBucket on an existing bucket someone made by hand', () => {
  it('adds only the missing settings and keeps the lifecycle rules it found', async () => {
    const region = 'eu-central-1';
    const clients = clientsFor(region);
    const bucket = artifactBucketName(accountId, region);
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }));
    await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: ALL_BLOCKED }));
    const theirs = { ID: 'their-logs', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 90 } };
    await clients.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [theirs] } }));
    const sent = recordCommands(clients.s3);

    const { changes } = await ensureArtifactBucket(clients, accountId);

    expect(changes.map((c) => c.kind)).toEqual(['encrypt', 'enable-versioning', 'set-lifecycle']);
    expect(sent).not.toContain('CreateBucketCommand');
    expect(sent).not.toContain('PutPublicAccessBlockCommand');
    const settings = await readSettings(clients.s3, bucket);
    expect(settings.versioning).toBe('Enabled');
    expect(settings.sse).toEqual(['AES256']);
    expect(settings.lifecycle?.map((r) => r.ID)).toEqual(['their-logs', LIFECYCLE_RULE_ID]);
    expect(settings.lifecycle?.[0]).toMatchObject({ Expiration: { Days: 90 } });
  });
});

describe('uploadArtifact', () => {
  const region = 'eu-west-1';
  let bucket: string;
  beforeAll(async () => {
    bucket = (await ensureArtifactBucket(clientsFor(region), accountId)).bucket;
  });

  const body = async (clients: AwsClients, key: string) => {
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { text: await object.Body!.transformToString(), contentType: object.ContentType };
  };

  it('uploads under <name>/<sha256>.zip with the zip content type', async () => {
    const clients = clientsFor(region);
    const source = await writeZip('checker', 'PK first checker bytes');

    const artifact = await uploadArtifact(clients, bucket, source);

    expect(artifact).toEqual({ bucket, key: `checker/${source.sha256}.zip`, sha256: source.sha256, uploaded: true });
    expect(await body(clients, artifact.key)).toEqual({ text: 'PK first checker bytes', contentType: 'application/zip' });
    // The checksum S3 verified on arrival is the bundle's own hash.
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: artifact.key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(Buffer.from(source.sha256, 'hex').toString('base64'));
  });

  it('skips the upload when the same bytes are already there', async () => {
    const clients = clientsFor(region);
    const source = await writeZip('manager', 'PK manager bytes');
    await uploadArtifact(clients, bucket, source);
    const sent = recordCommands(clients.s3);

    const again = await uploadArtifact(clients, bucket, source);

    expect(again.uploaded).toBe(false);
    expect(again.key).toBe(`manager/${source.sha256}.zip`);
    expect(sent).toEqual(['HeadObjectCommand']);
  });

  it('puts a changed zip under a new key and leaves the old one in place', async () => {
    const clients = clientsFor(region);
    const before = await uploadArtifact(clients, bucket, await writeZip('edge', 'PK version one'));
    const after = await uploadArtifact(clients, bucket, await writeZip('edge', 'PK version two'));

    expect(after.uploaded).toBe(true);
    expect(after.key).not.toBe(before.key);
    expect((await body(clients, before.key)).text).toBe('PK version one');
    expect((await body(clients, after.key)).text).toBe('PK version two');
    const keys = boto3(region, `print(json.dumps(sorted(o["Key"] for o in s3.list_objects_v2(Bucket=${JSON.stringify(bucket)}, Prefix="edge/")["Contents"])))`);
    expect(keys).toEqual([before.key, after.key].sort());
  });

  it('refuses a zip whose bytes no longer match its hash, sending nothing', async () => {
    const clients = clientsFor(region);
    const source = await writeZip('stale', 'PK original');
    await writeFile(source.zipPath, 'PK rebuilt since');
    const sent = recordCommands(clients.s3);

    await expect(uploadArtifact(clients, bucket, source)).rejects.toMatchObject({ code: 'ERR_BUNDLE_BUILD' });
    expect(sent).toEqual([]);
  });
});
