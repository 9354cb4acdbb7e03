// The artifact bucket of one region, where the bundles CloudFormation deploys
// from live: discover what exists (read-only) → plan the missing settings
// (pure) → execute them. An existing compliant bucket gets no calls beyond
// the reads, so re-runs change nothing.
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorName, isNotFound, toCogcfError } from '../aws/errors.js';

export const artifactBucketName = (accountId: string, region: string): string => `cogcf-artifacts-${accountId}-${region}`;

/** What an existing bucket has of the settings cogcf needs. */
export interface ArtifactBucketState {
  readonly versioningEnabled: boolean;
  /** Any default encryption counts: a user's KMS key is stronger than ours, not wrong. */
  readonly encrypted: boolean;
  readonly publicAccessBlocked: boolean;
  /** All lifecycle rules, ours or not: a lifecycle PUT replaces the whole list. */
  readonly lifecycleRules: readonly LifecycleRule[];
}

export type ArtifactBucketChange =
  | { readonly kind: 'create'; readonly reason: string }
  | { readonly kind: 'block-public-access'; readonly reason: string }
  | { readonly kind: 'encrypt'; readonly reason: string }
  | { readonly kind: 'enable-versioning'; readonly reason: string }
  | { readonly kind: 'set-lifecycle'; readonly rules: readonly LifecycleRule[]; readonly reason: string };

export const LIFECYCLE_RULE_ID = 'cogcf-expire-old-artifacts';
export const NONCURRENT_DAYS = 30;

// Keys are content hashes, so an artifact is never overwritten: old versions
// appear only when an artifact is deleted. Current artifacts never expire by
// age, because a stack rollback redeploys the previous key, however old.
export const ARTIFACT_LIFECYCLE_RULE: LifecycleRule = {
  ID: LIFECYCLE_RULE_ID,
  Status: 'Enabled',
  Filter: { Prefix: '' },
  NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_DAYS },
  Expiration: { ExpiredObjectDeleteMarker: true },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
};

const BLOCK_ALL: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

const SSE_S3: ServerSideEncryptionRule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } };

const hasOurRule = (rules: readonly LifecycleRule[]): boolean =>
  rules.some((rule) => rule.ID === LIFECYCLE_RULE_ID && rule.Status === 'Enabled');

/** The changes that make `current` (undefined: no bucket yet) compliant. Pure. */
export function planArtifactBucket(current: ArtifactBucketState | undefined): ArtifactBucketChange[] {
  const state: ArtifactBucketState = current ?? { versioningEnabled: false, encrypted: false, publicAccessBlocked: false, lifecycleRules: [] };
  const changes: ArtifactBucketChange[] = [];
  if (current === undefined) changes.push({ kind: 'create', reason: 'no artifact bucket in this region yet' });
  // Settings are explicit even on a new bucket: S3's defaults for new buckets are not a contract.
  if (!state.publicAccessBlocked) changes.push({ kind: 'block-public-access', reason: 'public access is not fully blocked' });
  if (!state.encrypted) changes.push({ kind: 'encrypt', reason: 'no default encryption' });
  if (!state.versioningEnabled) changes.push({ kind: 'enable-versioning', reason: 'versioning is not enabled' });
  if (!hasOurRule(state.lifecycleRules)) {
    const others = state.lifecycleRules.filter((rule) => rule.ID !== LIFECYCLE_RULE_ID);
    changes.push({ kind: 'set-lifecycle', rules: [...others, ARTIFACT_LIFECYCLE_RULE], reason: 'old artifact versions never expire' });
  }
  return changes;
}

/** Reads the bucket's settings; undefined when it does not exist. Read-only. */
export async function discoverArtifactBucket(clients: AwsClients, bucket: string, accountId: string): Promise<ArtifactBucketState | undefined> {
  const { s3 } = clients;
  const owned = { Bucket: bucket, ExpectedBucketOwner: accountId };
  try {
    await s3.send(new HeadBucketCommand(owned));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw toCogcfError(e, { action: 's3:ListBucket', resource: bucket });
  }
  // "Not configured" comes back as an error: for these reads it means the setting is missing.
  const read = async <T>(action: string, call: () => Promise<T>, notConfigured?: string): Promise<T | undefined> => {
    try {
      return await call();
    } catch (e) {
      if (notConfigured !== undefined && awsErrorName(e) === notConfigured) return undefined;
      throw toCogcfError(e, { action, resource: bucket });
    }
  };
  const [versioning, encryption, publicAccess, lifecycle] = await Promise.all([
    read('s3:GetBucketVersioning', () => s3.send(new GetBucketVersioningCommand(owned))),
    read('s3:GetEncryptionConfiguration', () => s3.send(new GetBucketEncryptionCommand(owned)), 'ServerSideEncryptionConfigurationNotFoundError'),
    read('s3:GetBucketPublicAccessBlock', () => s3.send(new GetPublicAccessBlockCommand(owned)), 'NoSuchPublicAccessBlockConfiguration'),
    read('s3:GetLifecycleConfiguration', () => s3.send(new GetBucketLifecycleConfigurationCommand(owned)), 'NoSuchLifecycleConfiguration'),
  ]);
  const block = publicAccess?.PublicAccessBlockConfiguration ?? {};
  return {
    versioningEnabled: versioning?.Status === 'Enabled',
    encrypted: (encryption?.ServerSideEncryptionConfiguration?.Rules ?? []).some((rule) => rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined),
    publicAccessBlocked: (Object.keys(BLOCK_ALL) as (keyof PublicAccessBlockConfiguration)[]).every((k) => block[k] === true),
    lifecycleRules: lifecycle?.Rules ?? [],
  };
}

/** The IAM action and the call that applies one change. */
function commandFor(clients: AwsClients, bucket: string, accountId: string, change: ArtifactBucketChange): { action: string; run: () => Promise<unknown> } {
  const { s3, region } = clients;
  const owned = { Bucket: bucket, ExpectedBucketOwner: accountId };
  switch (change.kind) {
    case 'create': {
      // us-east-1 is the one region that rejects its own name as a constraint.
      const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
      return { action: 's3:CreateBucket', run: () => s3.send(new CreateBucketCommand({ Bucket: bucket, ...location })) };
    }
    case 'block-public-access':
      return {
        action: 's3:PutBucketPublicAccessBlock',
        run: () => s3.send(new PutPublicAccessBlockCommand({ ...owned, PublicAccessBlockConfiguration: BLOCK_ALL })),
      };
    case 'encrypt':
      return {
        action: 's3:PutEncryptionConfiguration',
        run: () => s3.send(new PutBucketEncryptionCommand({ ...owned, ServerSideEncryptionConfiguration: { Rules: [SSE_S3] } })),
      };
    case 'enable-versioning':
      return {
        action: 's3:PutBucketVersioning',
        run: () => s3.send(new PutBucketVersioningCommand({ ...owned, VersioningConfiguration: { Status: 'Enabled' } })),
      };
    case 'set-lifecycle':
      return {
        action: 's3:PutLifecycleConfiguration',
        run: () => s3.send(new PutBucketLifecycleConfigurationCommand({ ...owned, LifecycleConfiguration: { Rules: [...change.rules] } })),
      };
  }
}

async function applyChange(clients: AwsClients, bucket: string, accountId: string, change: ArtifactBucketChange): Promise<void> {
  const { action, run } = commandFor(clients, bucket, accountId, change);
  try {
    await run();
  } catch (e) {
    // A parallel run created the bucket first: the remaining changes still apply.
    if (change.kind === 'create' && awsErrorName(e) === 'BucketAlreadyOwnedByYou') return;
    throw toCogcfError(e, { action, resource: bucket });
  }
}

export interface EnsuredArtifactBucket {
  readonly bucket: string;
  /** What was changed; empty when the bucket was already compliant. */
  readonly changes: readonly ArtifactBucketChange[];
}

/** Makes sure `cogcf-artifacts-<account>-<region>` exists with every required setting. Idempotent. */
export async function ensureArtifactBucket(clients: AwsClients, accountId: string): Promise<EnsuredArtifactBucket> {
  const bucket = artifactBucketName(accountId, clients.region);
  const changes = planArtifactBucket(await discoverArtifactBucket(clients, bucket, accountId));
  for (const change of changes) await applyChange(clients, bucket, accountId, change);
  return { bucket, changes };
}
