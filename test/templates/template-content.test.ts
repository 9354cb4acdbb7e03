// What the templates grant and how the functions run: the properties a review
// of the stacks would check, asserted so that a loosened policy fails.
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/templates/load-template.js';

const manager = loadTemplate('manager');
const checker = loadTemplate('checker');

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: { Service: string | string[] } };
const policyStatements = (role: unknown): Statement[] =>
  ((role as { Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } }).Properties.Policies).flatMap((p) => p.PolicyDocument.Statement);
const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('manager stack', () => {
  it('lets the manager role use only GetItem, PutItem and DeleteItem on the session table', () => {
    const statements = policyStatements(manager.Resources.ManagerRole);
    const dynamo = statements.filter((s) => actions([s]).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: { 'Fn::GetAtt': ['SessionTable', 'Arn'] } }]);
    expect(actions(statements).every((a) => !a.includes('*'))).toBe(true);
  });

  it('keys the table by pk, expires rows by expiresAt and indexes sub', () => {
    const table = manager.Resources.SessionTable?.Properties ?? {};
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [{ IndexName: 'sub-index', KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }] }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('creates a public code-flow app client without a secret', () => {
    expect(manager.Resources.AppClient?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: { Ref: 'OAuthScopes' },
      EnableTokenRevocation: true,
    });
  });

  it('runs the manager on nodejs22.x arm64 behind an HTTP API $default stage that routes only /_identity/*', () => {
    expect(manager.Resources.ManagerFunction?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 256, Timeout: 10 });
    expect(manager.Resources.ManagerIntegration?.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(manager.Resources.ManagerRoute?.Properties?.RouteKey).toBe('ANY /_identity/{proxy+}');
    expect(manager.Resources.DefaultStage?.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
  });
});

describe('checker stack', () => {
  it('trusts Lambda and Lambda@Edge, and may only GetItem on the given table besides logging', () => {
    const role = (checker.Resources.CheckerRole as unknown as { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] } } });
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s) => s.Principal?.Service)).toEqual([['lambda.amazonaws.com', 'edgelambda.amazonaws.com']]);
    const statements = policyStatements(checker.Resources.CheckerRole);
    expect(actions(statements).filter((a) => !a.startsWith('logs:'))).toEqual(['dynamodb:GetItem']);
    expect(statements.find((s) => s.Action === 'dynamodb:GetItem')?.Resource).toEqual({ Ref: 'SessionTableArn' });
  });

  it("lets the checker log only to its own replicas' log groups, in any region", () => {
    // `${AWS::StackName}-<first 8 hex digits of the stack id>`: new for each creation of the stack.
    const suffix = { StackSuffix: { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] } };
    expect(checker.Resources.CheckerFunction?.Properties?.FunctionName).toEqual({ 'Fn::Sub': ['${AWS::StackName}-${StackSuffix}', suffix] });
    const logging = policyStatements(checker.Resources.CheckerRole).filter((s) => actions([s]).some((a) => a.startsWith('logs:')));
    const group = 'arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:/aws/lambda/us-east-1.${AWS::StackName}-${StackSuffix}';
    expect(logging.map((s) => s.Resource)).toEqual([[{ 'Fn::Sub': [group, suffix] }, { 'Fn::Sub': [`${group}:*`, suffix] }]]);
  });

  it('runs within the viewer-request limits on x86_64', () => {
    expect(checker.Resources.CheckerFunction?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['x86_64'], MemorySize: 128, Timeout: 5 });
    expect(checker.Resources.CheckerFunction?.Properties).not.toHaveProperty('Environment');
  });

  it('publishes a new retained version whenever the code hash changes', () => {
    const version = checker.Resources.CheckerVersion;
    expect(version?.Properties?.Description).toEqual({ 'Fn::Sub': 'cogcf checker ${CheckerCodeHash}' });
    for (const id of ['CheckerFunction', 'CheckerVersion']) {
      expect(checker.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(checker.Outputs?.CheckerVersionArn?.Value).toEqual({ Ref: 'CheckerVersion' });
  });

  it('publishes the viewer-host CloudFront Function, named after the stack, for the /_identity/* behaviour', () => {
    expect(checker.Resources.ViewerHostFunction).toMatchObject({
      Type: 'AWS::CloudFront::Function',
      Properties: { Name: { 'Fn::Sub': '${AWS::StackName}-viewer-host' }, AutoPublish: true, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } },
    });
    // CloudFront Functions allow 10 KB of code.
    expect(String(checker.Resources.ViewerHostFunction?.Properties?.FunctionCode).length).toBeLessThan(10_240);
    expect(checker.Outputs?.ViewerHostFunctionArn?.Value).toEqual({ 'Fn::GetAtt': ['ViewerHostFunction', 'FunctionARN'] });
  });
});
