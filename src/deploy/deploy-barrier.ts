// The whole barrier, deployed: can this config be deployed (pure: it fails
// before anything is built or created) → who am I (STS) → is cognito.domain
// the pool's, and does it serve managed login (read only) → build both bundles
// → plan both stacks (pure) → make sure the artifact buckets exist → upload
// the zips → run both stacks' change sets in parallel. The checker stack is told
// the session table's ARN up front (it is fixed by account, region and name),
// so it does not wait for the manager stack's outputs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsClients, type AwsClients } from '../aws/clients.js';
import { toCogcfError } from '../aws/errors.js';
import { throwIfInterrupted } from '../errors.js';
import { buildBarrier } from '../bundle/build-barrier.js';
import type { BuiltFunction } from '../bundle/build-functions.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { loadTemplate, renderStack } from '../templates/load-template.js';
import { checkerStackParameters, managerStackParameters, type Artifact } from '../templates/stack-parameters.js';
import { artifactBucketName, ensureArtifactBucket } from './artifact-bucket.js';
import { assertDeployable } from './deployable-config.js';
import { discoverPoolDomain } from './pool-domain.js';
import { deployStacks, type NamedStackEvent, type StackOutcome, type StackSpec } from './deploy-stacks.js';
import type { StackPlan } from './stack-deploy.js';
import { artifactKey, uploadArtifact, type UploadedArtifact } from './upload-artifacts.js';

/** Lambda@Edge functions can only be created here. */
export const CHECKER_REGION = 'us-east-1';

export interface DeployBarrierOptions {
  readonly config: ResolvedConfig;
  readonly stackPrefix: string;
  /** Plan only: change sets are created, shown and deleted; artifacts are still uploaded. */
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
  readonly onEvent: (event: NamedStackEvent) => void;
  /** Overrides AWS_ENDPOINT_URL for every client. */
  readonly endpoint?: string;
  /** Ctrl-C: stop at the next checkpoint (see stack-deploy.ts for what happens to a stack in flight). */
  readonly signal?: AbortSignal;
  /** Asked with both stacks' plans before anything is executed (see deployStacks); none: deploy at once. */
  readonly confirm?: (plans: readonly StackPlan[]) => Promise<boolean>;
}

export interface DeployedStack {
  readonly role: 'manager' | 'checker';
  readonly region: string;
  readonly outcome: StackOutcome;
}

export interface BarrierDeployment {
  readonly accountId: string;
  readonly artifacts: { readonly manager: UploadedArtifact; readonly checker: UploadedArtifact };
  readonly stacks: readonly DeployedStack[];
}

interface Identity {
  readonly accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the caller's own ARN. */
  readonly partition: string;
}

async function whoAmI(clients: AwsClients): Promise<Identity> {
  try {
    const { Account, Arn } = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (Account === undefined) throw new Error('GetCallerIdentity returned no account');
    return { accountId: Account, partition: Arn?.split(':')[1] ?? 'aws' };
  } catch (e) {
    throw toCogcfError(e, { action: 'sts:GetCallerIdentity' });
  }
}

async function buildInTempDir(config: ResolvedConfig, log: (line: string) => void): Promise<{ dir: string; manager: BuiltFunction; checker: BuiltFunction }> {
  const dir = await mkdtemp(join(tmpdir(), 'cogcf-deploy-'));
  try {
    const built = await buildBarrier(config, dir, log);
    const named = (name: string): BuiltFunction => {
      const fn = built.find((f) => f.name === name);
      if (fn === undefined) throw new Error(`buildBarrier built no ${name}`);
      return fn;
    };
    // The zips are read again for the upload, so the directory lives until then.
    return { dir, manager: named('manager'), checker: named('checker') };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Where a bundle will live: content-addressed, so known before it is uploaded. */
const plannedArtifact = (accountId: string, region: string, fn: BuiltFunction): Artifact => ({
  bucket: artifactBucketName(accountId, region),
  key: artifactKey(fn.name, fn.sha256),
  sha256: fn.sha256,
});

async function ensureBucket(clients: AwsClients, accountId: string, log: (line: string) => void): Promise<string> {
  const { bucket, changes } = await ensureArtifactBucket(clients, accountId);
  for (const change of changes) log(`Artifact bucket ${bucket}: ${change.kind} (${change.reason})`);
  return bucket;
}

async function upload(clients: AwsClients, bucketReady: Promise<string>, fn: BuiltFunction, log: (line: string) => void): Promise<UploadedArtifact> {
  const bucket = await bucketReady;
  const uploaded = await uploadArtifact(clients, bucket, fn);
  log(`${fn.name}.zip ${uploaded.uploaded ? 'uploaded to' : 'already in'} s3://${bucket}/${uploaded.key}`);
  return uploaded;
}

/**
 * The stack creates the app client and hands its id to the manager, so a
 * client id in the file is not baked in: changing it must not redeploy.
 */
function withStackAppClient(config: ResolvedConfig, log: (line: string) => void): ResolvedConfig {
  if (config.manager.cognito.clientId === '') return config;
  log(`note: cognito.clientId (${config.manager.cognito.clientId}) is not used: the manager stack creates its own app client.`);
  return { ...config, manager: { ...config.manager, cognito: { ...config.manager.cognito, clientId: '' } } };
}

export async function deployBarrier(options: DeployBarrierOptions): Promise<BarrierDeployment> {
  const { log } = options;
  assertDeployable(options.config);
  const config = withStackAppClient(options.config, log);
  const endpoint = options.endpoint === undefined ? {} : { endpoint: options.endpoint };
  const managerRegion = config.manager.table.region;
  const regional = awsClients({ region: managerRegion, ...endpoint });
  const edge = awsClients({ region: CHECKER_REGION, ...endpoint });

  const { accountId, partition } = await whoAmI(regional);
  log(`Deploying to account ${accountId}: manager in ${managerRegion}, checker in ${CHECKER_REGION}.`);
  const poolDomain = await discoverPoolDomain(regional.cognitoIdp, config.manager.cognito);
  log(`User pool ${config.manager.cognito.userPoolId}: domain ${poolDomain.name} serves ${poolDomain.managedLogin ? 'managed login' : 'the classic hosted UI'}.`);
  const { signal } = options;
  const beforeAnyStack = 'Stopped before any stack was changed.';
  throwIfInterrupted(signal, beforeAnyStack);
  const built = await buildInTempDir(config, log);
  try {
    throwIfInterrupted(signal, beforeAnyStack);
    const sessionTableArn = `arn:${partition}:dynamodb:${managerRegion}:${accountId}:table/${config.manager.table.name}`;
    // Rendered before anything is created: a config that cannot be deployed stops here.
    const manager = renderStack(
      loadTemplate('manager'),
      managerStackParameters({ config, manager: plannedArtifact(accountId, managerRegion, built.manager), managedLogin: poolDomain.managedLogin }),
    );
    const checker = renderStack(
      loadTemplate('checker'),
      checkerStackParameters({ sessionTableArn, checker: plannedArtifact(accountId, CHECKER_REGION, built.checker) }),
    );

    // One bucket per region, set up once even when the manager lives in us-east-1 too.
    const edgeBucket = ensureBucket(edge, accountId, log);
    const regionalBucket = managerRegion === CHECKER_REGION ? edgeBucket : ensureBucket(regional, accountId, log);
    const [managerArtifact, checkerArtifact] = await Promise.all([
      upload(regional, regionalBucket, built.manager, log),
      upload(edge, edgeBucket, built.checker, log),
    ]);
    throwIfInterrupted(signal, `${beforeAnyStack} The bundles were uploaded (under their content hashes, so a re-run reuses them).`);

    const specs: (StackSpec & { role: DeployedStack['role']; region: string })[] = [
      { role: 'manager', region: managerRegion, cloudFormation: regional.cloudFormation, stackName: `${options.stackPrefix}-manager`, ...manager, signal },
      { role: 'checker', region: CHECKER_REGION, cloudFormation: edge.cloudFormation, stackName: `${options.stackPrefix}-checker`, ...checker, signal },
    ];
    const outcomes = await deployStacks(specs, { onEvent: options.onEvent, dryRun: options.dryRun, ...(options.confirm ? { confirm: options.confirm } : {}) });
    return {
      accountId,
      artifacts: { manager: managerArtifact, checker: checkerArtifact },
      stacks: specs.map(({ role, region }, i) => ({ role, region, outcome: outcomes[i] as StackOutcome })),
    };
  } finally {
    await rm(built.dir, { recursive: true, force: true });
  }
}

