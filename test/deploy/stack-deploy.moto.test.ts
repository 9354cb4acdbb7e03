// The deploy engine against moto's CloudFormation over real HTTP: change sets
// are created, described, executed and deleted as on AWS, outputs are read
// back, and the resources themselves are checked with other clients. (moto
// runs with the Outputs fix in test/support/moto_server.py.)
import { DescribeStackResourcesCommand, DescribeStacksCommand, ListChangeSetsCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../src/aws/clients.js';
import { deployStacks } from '../../src/deploy/deploy-stacks.js';
import { deployStack } from '../support/deploy-one.js';
import type { StackEvent } from '../../src/deploy/stack-events.js';
import { useMoto } from '../support/moto.js';

const moto = useMoto();
let cloudFormation: CloudFormationClient;
let s3: S3Client;
let dynamo: DynamoDBClient;
beforeAll(() => {
  ({ cloudFormation, s3 } = awsClients({ region: 'us-east-1', endpoint: moto.endpoint }));
  dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint });
});

const template = (label: string) => ({
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'label', Value: label }] } },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
      },
    },
  },
  Outputs: { BucketName: { Value: { Ref: 'Bucket' } }, TableArn: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] } } },
});

const deploy = (stackName: string, label: string, extra: { dryRun?: boolean; onEvent?: (e: StackEvent) => void } = {}) =>
  deployStack({ cloudFormation, stackName, template: template(label), parameters: [], pollMs: 1, ...extra });

const physicalIds = async (stackName: string) => {
  const { StackResources = [] } = await cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  return Object.fromEntries(StackResources.map((r) => [r.LogicalResourceId, r.PhysicalResourceId as string]));
};

// moto lists every stack's change sets whatever StackName says; keep this stack's.
const changeSetsOf = async (stackName: string) =>
  ((await cloudFormation.send(new ListChangeSetsCommand({ StackName: stackName }))).Summaries ?? []).filter((c) => c.StackName === stackName);

const stackExists = (stackName: string) =>
  cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })).then(
    () => true,
    (e: Error) => (/does not exist/.test(e.message) ? false : Promise.reject(e)),
  );

describe('deployStack against moto', () => {
  it('creates a stack through a change set, streaming only this execution’s events', async () => {
    const events: StackEvent[] = [];
    const result = await deploy('engine-create', 'one', { onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ stackName: 'engine-create', action: 'create', status: 'CREATE_COMPLETE' });
    expect(result.changes.map((c) => [c.logicalId, c.resourceType, c.action]).sort()).toEqual([
      ['Bucket', 'AWS::S3::Bucket', 'Add'],
      ['Role', 'AWS::IAM::Role', 'Add'],
      ['Table', 'AWS::DynamoDB::Table', 'Add'],
    ]);
    // The REVIEW_IN_PROGRESS event predates execution and is not replayed.
    expect(events.map((e) => `${e.logicalId} ${e.status}`)).toEqual(['engine-create CREATE_IN_PROGRESS', 'engine-create CREATE_COMPLETE']);
    const ids = await physicalIds('engine-create');
    await expect(s3.send(new HeadBucketCommand({ Bucket: ids.Bucket }))).resolves.toBeDefined();
    expect((await dynamo.send(new DescribeTableCommand({ TableName: ids.Table }))).Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(ids.Role).toBeTruthy();
    expect(result.outputs).toEqual({ BucketName: ids.Bucket, TableArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${ids.Table}` });
    expect(await changeSetsOf('engine-create')).toEqual([expect.objectContaining({ ExecutionStatus: 'EXECUTE_COMPLETE' })]);
  });

  it('reports a re-deploy of the same template as a no-op and deletes the empty change set', async () => {
    await deploy('engine-noop', 'same');
    const before = await physicalIds('engine-noop');
    const events: StackEvent[] = [];

    const result = await deploy('engine-noop', 'same', { onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ action: 'none', changes: [], status: 'CREATE_COMPLETE', outputs: { BucketName: before.Bucket } });
    expect(events).toEqual([]);
    expect(await physicalIds('engine-noop')).toEqual(before);
    expect((await changeSetsOf('engine-noop')).map((c) => c.ExecutionStatus)).toEqual(['EXECUTE_COMPLETE']);
  });

  it('updates a stack whose template changed', async () => {
    await deploy('engine-update', 'v1');
    const events: StackEvent[] = [];

    const result = await deploy('engine-update', 'v2', { onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ action: 'update', status: 'UPDATE_COMPLETE' });
    expect(result.changes.map((c) => c.logicalId)).toContain('Bucket');
    expect(result.outputs.BucketName).toBe((await physicalIds('engine-update')).Bucket);
    // moto reports UPDATE_IN_PROGRESS twice (two events); the create history is not replayed.
    expect(new Set(events.map((e) => `${e.logicalId} ${e.status}`))).toEqual(new Set(['engine-update UPDATE_IN_PROGRESS', 'engine-update UPDATE_COMPLETE']));
    expect(events.at(-1)?.status).toBe('UPDATE_COMPLETE');
  });

  it('dry run of a new stack lists the changes and leaves no stack behind', async () => {
    const events: StackEvent[] = [];
    const result = await deploy('engine-dry-new', 'x', { dryRun: true, onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ action: 'create', status: 'NOT_CREATED' });
    expect(result.changes.map((c) => c.logicalId).sort()).toEqual(['Bucket', 'Role', 'Table']);
    expect(events).toEqual([]);
    expect(await stackExists('engine-dry-new')).toBe(false);
  });

  it('dry run of a changed stack executes nothing and keeps no change set', async () => {
    await deploy('engine-dry-update', 'v1');
    const before = await physicalIds('engine-dry-update');

    const result = await deploy('engine-dry-update', 'v2', { dryRun: true });

    expect(result).toMatchObject({ action: 'update', status: 'CREATE_COMPLETE' });
    expect(result.changes.length).toBeGreaterThan(0);
    expect((await cloudFormation.send(new DescribeStacksCommand({ StackName: 'engine-dry-update' }))).Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(await physicalIds('engine-dry-update')).toEqual(before);
    expect((await changeSetsOf('engine-dry-update')).map((c) => c.ExecutionStatus)).toEqual(['EXECUTE_COMPLETE']);
    // The change is still pending: a real deploy now applies it.
    expect((await deploy('engine-dry-update', 'v2')).action).toBe('update');
  });

  it('deploys two stacks in parallel, naming each stack in its events', async () => {
    const events: string[] = [];
    const outcomes = await deployStacks(
      ['engine-par-a', 'engine-par-b'].map((stackName) => ({ cloudFormation, stackName, template: template(stackName), parameters: [], pollMs: 1 })),
      { onEvent: (e) => events.push(`${e.stackName}: ${e.logicalId} ${e.status}`) },
    );

    expect(outcomes.map((o) => [o.stackName, o.ok && o.result.action])).toEqual([
      ['engine-par-a', 'create'],
      ['engine-par-b', 'create'],
    ]);
    for (const name of ['engine-par-a', 'engine-par-b']) {
      expect(events.filter((e) => e.startsWith(`${name}: `))).toEqual([`${name}: ${name} CREATE_IN_PROGRESS`, `${name}: ${name} CREATE_COMPLETE`]);
    }
  });
});
