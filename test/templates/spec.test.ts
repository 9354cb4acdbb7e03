import { describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../../src/templates/cfn-yaml.js';
import { loadTemplate } from '../../src/templates/load-template.js';
import { specProblems } from './spec-check.js';

describe('templates against the CloudFormation resource specification', () => {
  for (const stack of ['manager', 'checker'] as const) {
    it(`the ${stack} stack has known types, known and required properties, real GetAtt attributes`, () => {
      expect(specProblems(loadTemplate(stack))).toEqual([]);
    });
  }

  it('catches what it claims to catch', () => {
    const broken = parseCfnYaml(`
Parameters:
  Bucket: { Type: String }
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      BilingMode: PAY_PER_REQUEST
  Nope:
    Type: AWS::Lambda::Functoin
Outputs:
  A: { Value: !GetAtt Table.Nmae }
  B: { Value: !Sub "\${Table.StreamArn} \${Bucket} \${Missing}" }
  C: { Value: !Ref AWS::Region }
`);
    expect(specProblems(broken)).toEqual([
      'Table: AWS::DynamoDB::Table has no property BilingMode',
      'Nope: unknown resource type AWS::Lambda::Functoin',
      'GetAtt Table.Nmae: AWS::DynamoDB::Table has no attribute Nmae',
      'Ref Missing: not a parameter or resource',
    ]);
  });

  it('reports a missing required property', () => {
    const template = parseCfnYaml('Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: { Runtime: nodejs22.x }\n');
    expect(specProblems(template)).toEqual(expect.arrayContaining(['Fn: required property Code is missing', 'Fn: required property Role is missing']));
  });
});
