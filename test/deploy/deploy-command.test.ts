// `cogcf deploy` end to end: the built bin against a moto server, checked
// with the SDK and with an outside client (boto3). moto completes the app
// client, the HTTP API, the Lambda version and the CloudFront function without
// physical ids, so the outputs built from those are placeholders there (or
// absent: the client id, the function ARN); the checks are on what it does
// model: stack status, the table and the outputs built from it, the roles,
// the uploaded artifacts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStackResourcesCommand, DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, type AwsClients } from '../../src/aws/clients.js';
import { runBinAsync } from '../cli/run-bin.js';
import { headerOf, httpEvent } from '../runtime/manager/harness.js';
import { createPoolWithDomain, useMoto } from '../support/moto.js';

const REGION = 'eu-west-1';
const TABLE = 'cogcf-deploy-test-sessions';

const moto = useMoto();
let dir: string;
let configPath: string;
let regional: AwsClients;
/** A user pool in moto with the domain my-barrier, as cogcf deploy checks. */
let poolId: string;
/** What the first `--yes --json` printed, for the later tests to compare against. */
let created: DeployJson;
let edge: AwsClients;

/**
 * A barrier config like templates/barrier.example.json, deployable (host
 * names only), and without a client id: the stack makes the app client.
 */
function writeConfig(file: string, tableName: string, clientId?: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      domains: ['app.example.com', 'd111111abcdef8.cloudfront.net'],
      cognito: {
        userPoolId: poolId,
        ...(clientId === undefined ? {} : { clientId }),
        domain: `my-barrier.auth.${REGION}.amazoncognito.com`,
        scopes: ['openid', 'email', 'profile'],
        identityProvider: 'Google',
      },
      sessionTable: { name: tableName, region: REGION },
      session: { cookieName: '__Host-cogcf-session', ttlSeconds: 43200 },
      checker: {
        cacheTtlSeconds: 30,
        negativeCacheTtlSeconds: 5,
        cacheMaxEntries: 10000,
        lookupTimeoutMs: 2000,
        publicPaths: ['/favicon.ico'],
        allowedGroups: [],
        pathRules: [{ prefix: '/admin/', allowedGroups: ['admins'] }],
      },
    }),
  );
  return path;
}

beforeAll(async () => {
  poolId = await createPoolWithDomain(moto, REGION, 'my-barrier');
  dir = mkdtempSync(join(tmpdir(), 'cogcf-deploy-test-'));
  configPath = writeConfig('barrier.json', TABLE);
  regional = awsClients({ region: REGION, endpoint: moto.endpoint });
  edge = awsClients({ region: 'us-east-1', endpoint: moto.endpoint });
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const deploy = (...args: string[]) => runBinAsync('cogcf', ['deploy', '--config', configPath, ...args], moto.env);
const dynamoClient = () => new DynamoDBClient({ region: REGION, endpoint: moto.endpoint });

interface StackJson {
  stackName: string;
  role: string;
  region: string;
  ok: boolean;
  action?: string;
  status?: string;
  changes?: { logicalId: string; resourceType: string; action: string }[];
  outputs?: Record<string, string>;
  error?: { message: string };
}
interface DeployJson {
  command: string;
  ok: boolean;
  dryRun: boolean;
  artifacts: Record<'manager' | 'checker', { bucket: string; key: string; sha256: string }>;
  stacks: StackJson[];
}

const stackStatus = (cloudFormation: CloudFormationClient, stackName: string): Promise<string | undefined> =>
  cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })).then(
    (answer) => answer.Stacks?.[0]?.StackStatus,
    (e: Error) => (/does not exist/.test(e.message) ? undefined : Promise.reject(e)),
  );

const resourcesOf = async (cloudFormation: CloudFormationClient, stackName: string) => {
  const { StackResources = [] } = await cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  return Object.fromEntries(StackResources.map((r) => [r.LogicalResourceId as string, r]));
};

describe('cogcf deploy against moto', () => {
  it('refuses to deploy without --yes, naming it, and creates nothing', async () => {
    const r = await deploy();

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(r.stdout).toBe('');
    expect(await stackStatus(regional.cloudFormation, 'cogcf-manager')).toBeUndefined();
  });

  it('exits 2 naming --config when it is missing', async () => {
    const r = await runBinAsync('cogcf', ['deploy', '--yes', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('--config');
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'deploy', ok: false, error: { code: 'ERR_USAGE' } });
  });

  it('refuses a config made for local stand-ins before building or creating anything (exit 2)', async () => {
    const local = join(dir, 'local.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { sessionTable: Record<string, string> };
    config.sessionTable.endpoint = 'http://127.0.0.1:8000';
    writeFileSync(local, JSON.stringify(config));

    const r = await runBinAsync('cogcf', ['deploy', '--config', local, '--yes', '--stack-prefix', 'local'], moto.env);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('error: This barrier config cannot be deployed:\n  sessionTable.endpoint: http://127.0.0.1:8000 is for local stand-ins');
    expect(r.stderr).not.toContain('Building');
    expect(await stackStatus(regional.cloudFormation, 'local-manager')).toBeUndefined();
  });

  it("refuses a cognito.domain that is not the pool's, before building or creating anything (exit 2)", async () => {
    const typo = join(dir, 'typo.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { cognito: Record<string, string> };
    config.cognito.domain = `my-barier.auth.${REGION}.amazoncognito.com`;
    writeFileSync(typo, JSON.stringify(config));

    const r = await runBinAsync('cogcf', ['deploy', '--config', typo, '--yes', '--stack-prefix', 'typo'], moto.env);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain(`error: cognito.domain: my-barier.auth.${REGION}.amazoncognito.com is not a domain of any user pool in ${REGION}`);
    expect(r.stderr).not.toContain('Building');
    expect(await stackStatus(regional.cloudFormation, 'typo-manager')).toBeUndefined();
  });

  it('refuses a --stack-prefix too long for the names made from it (exit 2)', async () => {
    const r = await deploy('--dry-run', '--stack-prefix', `p${'x'.repeat(44)}`);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toMatch(/--stack-prefix "px+" is not usable in a stack name: .*\(at most 44\)/);
  });

  it('with the manager in us-east-1 too, sets up the one artifact bucket once and puts both bundles in it', async () => {
    const east = join(dir, 'east.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { cognito: Record<string, string>; sessionTable: Record<string, string> };
    config.cognito.userPoolId = await createPoolWithDomain(moto, 'us-east-1', 'east-barrier');
    config.cognito.domain = 'east-barrier.auth.us-east-1.amazoncognito.com';
    config.sessionTable = { name: 'cogcf-east-sessions', region: 'us-east-1' };
    writeFileSync(east, JSON.stringify(config));

    // First to touch S3 in this file: the us-east-1 bucket does not exist yet, so its setup is logged.
    const r = await runBinAsync('cogcf', ['deploy', '--config', east, '--dry-run', '--json', '--stack-prefix', 'east'], moto.env);

    expect(r.status, r.transcript).toBe(0);
    const bucketLines = r.stderr.split('\n').filter((line) => line.startsWith('Artifact bucket '));
    expect(bucketLines.length).toBeGreaterThan(0);
    expect(new Set(bucketLines).size).toBe(bucketLines.length);
    const { artifacts } = JSON.parse(r.stdout) as DeployJson;
    expect([artifacts.manager.bucket, artifacts.checker.bucket]).toEqual(['cogcf-artifacts-123456789012-us-east-1', 'cogcf-artifacts-123456789012-us-east-1']);
  });

  it('--dry-run --json lists the creates of both stacks and leaves no stack behind', async () => {
    const r = await deploy('--dry-run', '--json', '--stack-prefix', 'dry');

    expect(r.status, r.transcript).toBe(0);
    const doc = JSON.parse(r.stdout) as DeployJson;
    expect(doc).toMatchObject({ command: 'deploy', ok: true, dryRun: true });
    expect(doc.stacks.map((s) => [s.stackName, s.region, s.action, s.status])).toEqual([
      ['dry-manager', REGION, 'create', 'NOT_CREATED'],
      ['dry-checker', 'us-east-1', 'create', 'NOT_CREATED'],
    ]);
    const changes = (role: string) => doc.stacks.find((s) => s.role === role)?.changes?.map((c) => `${c.action} ${c.logicalId} ${c.resourceType}`);
    expect(changes('manager')).toEqual(
      expect.arrayContaining(['Add SessionTable AWS::DynamoDB::Table', 'Add ManagerFunction AWS::Lambda::Function', 'Add AppClient AWS::Cognito::UserPoolClient']),
    );
    expect(changes('checker')?.sort()).toEqual([
      'Add CheckerFunction AWS::Lambda::Function',
      'Add CheckerRole AWS::IAM::Role',
      'Add CheckerVersion AWS::Lambda::Version',
      'Add ViewerHostFunction AWS::CloudFront::Function',
    ]);
    expect(r.stderr).toMatch(/Dry run: no stack was changed/);
    expect(await stackStatus(regional.cloudFormation, 'dry-manager')).toBeUndefined();
    expect(await stackStatus(edge.cloudFormation, 'dry-checker')).toBeUndefined();
  });

  it('--yes --json creates both stacks from artifacts uploaded to both regions, streaming progress to stderr', async () => {
    const r = await deploy('--yes', '--json');

    expect(r.status, r.transcript).toBe(0);
    const doc = JSON.parse(r.stdout) as DeployJson;
    expect(doc.stacks.map((s) => [s.stackName, s.ok, s.action, s.status])).toEqual([
      ['cogcf-manager', true, 'create', 'CREATE_COMPLETE'],
      ['cogcf-checker', true, 'create', 'CREATE_COMPLETE'],
    ]);
    expect(r.stderr).toContain(`User pool ${poolId}: domain my-barrier serves the classic hosted UI.`);
    expect(r.stderr).toMatch(/^\+\d+\.\ds cogcf-manager cogcf-manager \(AWS::CloudFormation::Stack\) CREATE_COMPLETE$/m);
    expect(r.stderr).toMatch(/^\+\d+\.\ds cogcf-checker cogcf-checker \(AWS::CloudFormation::Stack\) CREATE_COMPLETE$/m);

    expect(await stackStatus(regional.cloudFormation, 'cogcf-manager')).toBe('CREATE_COMPLETE');
    expect(await stackStatus(edge.cloudFormation, 'cogcf-checker')).toBe('CREATE_COMPLETE');
    // Each bundle sits in the bucket of its own stack's region, under its content hash.
    const { manager, checker } = doc.artifacts;
    expect(manager).toMatchObject({ bucket: `cogcf-artifacts-123456789012-${REGION}`, key: `manager/${manager.sha256}.zip` });
    expect(checker).toMatchObject({ bucket: 'cogcf-artifacts-123456789012-us-east-1', key: `checker/${checker.sha256}.zip` });
    await expect(regional.s3.send(new HeadObjectCommand({ Bucket: manager.bucket, Key: manager.key }))).resolves.toBeDefined();
    await expect(edge.s3.send(new HeadObjectCommand({ Bucket: checker.bucket, Key: checker.key }))).resolves.toBeDefined();

    const { Table } = await dynamoClient().send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.TableArn).toBe(`arn:aws:dynamodb:${REGION}:123456789012:table/${TABLE}`);
    expect((await resourcesOf(regional.cloudFormation, 'cogcf-manager')).ManagerRole?.ResourceStatus).toBe('CREATE_COMPLETE');
    expect((await resourcesOf(edge.cloudFormation, 'cogcf-checker')).CheckerRole?.ResourceStatus).toBe('CREATE_COMPLETE');

    // The outputs the wiring step reads, as far as moto resolves them.
    const outputs = (role: string) => doc.stacks.find((s) => s.role === role)?.outputs ?? {};
    expect(outputs('manager')).toMatchObject({ SessionTableName: TABLE, SessionTableRegion: REGION, SessionTableArn: Table?.TableArn });
    expect(outputs('manager').ManagerOriginDomain).toMatch(new RegExp(`\\.execute-api\\.${REGION}\\.amazonaws\\.com$`));
    // ViewerHostFunctionArn is left out by moto, which does not model CloudFront functions.
    expect(Object.keys(outputs('checker'))).toEqual(['CheckerVersionArn']);
    created = doc;
  });

  it('uploads a manager that takes its client id from the stack and refuses to start without one', async () => {
    const { manager } = created.artifacts;
    const object = await regional.s3.send(new GetObjectCommand({ Bucket: manager.bucket, Key: manager.key }));
    const files = unzipSync(await object.Body!.transformToByteArray());
    const unpacked = join(dir, 'uploaded-manager');
    mkdirSync(unpacked);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(unpacked, name), bytes);
    const load = createRequire(import.meta.url);
    const entry = join(unpacked, 'index.js');

    expect(() => load(entry)).toThrow(/no app client id: set COGCF_COGNITO_CLIENT_ID/);
    delete load.cache[load.resolve(entry)];
    process.env.COGCF_COGNITO_CLIENT_ID = 'stackmadeclient';
    try {
      const { handler } = load(entry) as { handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> };
      // A sign-out with no session touches no table and names the client in Cognito's /logout URL.
      const signOut = await handler(httpEvent('POST', '/_identity/logout'));
      expect(signOut.statusCode).toBe(302);
      expect(new URL(headerOf(signOut, 'location')!).searchParams.get('client_id')).toBe('stackmadeclient');
    } finally {
      delete process.env.COGCF_COGNITO_CLIENT_ID;
    }
  });

  it('ignores a client id in the file, saying so, and uploads the same manager bytes', async () => {
    const withClient = writeConfig('with-client.json', TABLE, '1example23456789abcdefghij');

    const r = await runBinAsync('cogcf', ['deploy', '--config', withClient, '--dry-run', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(0);
    expect(r.stderr).toContain('note: cognito.clientId (1example23456789abcdefghij) is not used: the manager stack creates its own app client.');
    expect((JSON.parse(r.stdout) as DeployJson).artifacts.manager.sha256).toBe(created.artifacts.manager.sha256);
  });

  it('a second --yes with nothing changed does nothing to either stack', async () => {
    const r = await deploy('--yes', '--json');

    expect(r.status, r.transcript).toBe(0);
    const doc = JSON.parse(r.stdout) as DeployJson;
    expect(doc.stacks.map((s) => [s.stackName, s.ok, s.action, s.status])).toEqual([
      ['cogcf-manager', true, 'none', 'CREATE_COMPLETE'],
      ['cogcf-checker', true, 'none', 'CREATE_COMPLETE'],
    ]);
    expect(r.stderr).toContain('manager.zip already in');
    expect(r.stderr).not.toMatch(/_IN_PROGRESS/);
  });

  it('prints a human table of each stack’s action, then each stack’s outputs', async () => {
    const r = await deploy('--yes');

    expect(r.status, r.transcript).toBe(0);
    expect(r.stdout).toMatch(/^cogcf-manager +eu-west-1 +none +CREATE_COMPLETE$/m);
    expect(r.stdout).toMatch(/^cogcf-checker +us-east-1 +none +CREATE_COMPLETE$/m);
    const managerOutputs = r.stdout.slice(r.stdout.indexOf('Outputs of cogcf-manager:'), r.stdout.indexOf('Outputs of cogcf-checker:'));
    expect(managerOutputs).toMatch(new RegExp(`^SessionTableName +${TABLE}$`, 'm'));
    expect(managerOutputs).toMatch(new RegExp(`^SessionTableArn +arn:aws:dynamodb:${REGION}:123456789012:table/${TABLE}$`, 'm'));
    expect(r.stdout.slice(r.stdout.indexOf('Outputs of cogcf-checker:'))).toMatch(/^CheckerVersionArn +\S+$/m);
  });

  it('Ctrl-C while building stops before any stack is changed (exit 130) and creates no stack', async () => {
    let pressed = false;
    const r = await runBinAsync('cogcf', ['deploy', '--config', configPath, '--yes', '--stack-prefix', 'stopped'], moto.env, (stderr, child) => {
      if (pressed || !stderr.includes('Building')) return;
      pressed = true;
      child.kill('SIGINT');
    });

    expect(r.status, r.transcript).toBe(130);
    expect(r.stderr).toContain('Stopping: change sets not yet executed are deleted');
    expect(r.stderr).toMatch(/^error: Stopped before any stack was changed\./m);
    expect(r.stdout).toBe('');
    expect(await stackStatus(regional.cloudFormation, 'stopped-manager')).toBeUndefined();
    expect(await stackStatus(edge.cloudFormation, 'stopped-checker')).toBeUndefined();
  });

  it('a stack that fails exits 1 and still reports the other stack', async () => {
    // A table of that name already exists, outside any stack: the manager stack cannot create it.
    const clashTable = 'cogcf-deploy-test-clash';
    await dynamoClient().send(
      new CreateTableCommand({
        TableName: clashTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const clashConfig = writeConfig('clash.json', clashTable);

    const r = await runBinAsync('cogcf', ['deploy', '--config', clashConfig, '--yes', '--json', '--stack-prefix', 'clash'], moto.env);

    expect(r.status, r.transcript).toBe(1);
    const doc = JSON.parse(r.stdout) as DeployJson;
    expect(doc.ok).toBe(false);
    expect(doc.stacks.map((s) => [s.stackName, s.ok, s.action])).toEqual([
      ['clash-manager', false, undefined],
      ['clash-checker', true, 'create'],
    ]);
    expect(doc.stacks[0]?.error?.message).toMatch(/clash-manager/);
    expect(r.stderr).toContain(`error: ${doc.stacks[0]?.error?.message.split('\n')[0]}`);
    expect(await stackStatus(edge.cloudFormation, 'clash-checker')).toBe('CREATE_COMPLETE');
  });

  it('an outside client (boto3) sees both stacks, the session table, both roles and the outputs cogcf printed', () => {
    const script = `
import boto3, json
def status(region, name):
    return boto3.client("cloudformation", region_name=region).describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
def role(region, stack, logical_id):
    name = boto3.client("cloudformation", region_name=region).describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id)["StackResourceDetail"]["PhysicalResourceId"]
    return boto3.client("iam").get_role(RoleName=name)["Role"]["RoleName"] == name
def outputs(region, name):
    stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
table = boto3.client("dynamodb", region_name="${REGION}").describe_table(TableName="${TABLE}")["Table"]
print(json.dumps({"manager": status("${REGION}", "cogcf-manager"), "checker": status("us-east-1", "cogcf-checker"),
                  "billing": table["BillingModeSummary"]["BillingMode"],
                  "roles": [role("${REGION}", "cogcf-manager", "ManagerRole"), role("us-east-1", "cogcf-checker", "CheckerRole")],
                  "outputs": [outputs("${REGION}", "cogcf-manager"), outputs("us-east-1", "cogcf-checker")]}))
`;
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...moto.env } });

    expect(r.status, r.stderr).toBe(0);
    const outputsOf = (role: string) => created.stacks.find((s) => s.role === role)?.outputs;
    expect(JSON.parse(r.stdout)).toEqual({
      manager: 'CREATE_COMPLETE',
      checker: 'CREATE_COMPLETE',
      billing: 'PAY_PER_REQUEST',
      roles: [true, true],
      outputs: [outputsOf('manager'), outputsOf('checker')],
    });
  });
});
