// Checks a template against the CloudFormation resource specification that
// the AWS CDK ships (@aws-cdk/aws-service-spec): resource types exist, no
// unknown or missing required properties, every GetAtt names a real
// attribute, every Ref names a parameter, resource or pseudo parameter.
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { CfnTemplate } from '../../src/templates/cfn-yaml.js';

const db = loadAwsServiceSpecSync();
const resourceSpec = (type: string) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0];

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** Every `Fn::GetAtt` and `${Resource.Attribute}` in `Fn::Sub`, and every `Ref` / `${Name}`. */
function references(node: unknown, found: { getAtts: string[][]; refs: string[] }, subLocals: ReadonlySet<string> = new Set()): void {
  if (Array.isArray(node)) return node.forEach((item) => references(item, found, subLocals));
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'Ref' && typeof value === 'string') found.refs.push(value);
    else if (key === 'Fn::GetAtt') found.getAtts.push(value as string[]);
    else if (key === 'Fn::Sub') {
      const [text, locals = {}] = (Array.isArray(value) ? value : [value]) as [string, Record<string, unknown>?];
      for (const [, name] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        if (name === undefined || name in locals) continue;
        if (name.includes('.')) found.getAtts.push([name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)]);
        else found.refs.push(name);
      }
      references(locals, found, subLocals);
    } else references(value, found, subLocals);
  }
}

export function specProblems(template: CfnTemplate): string[] {
  const problems: string[] = [];
  const resources = template.Resources;
  for (const [id, resource] of Object.entries(resources)) {
    const spec = resourceSpec(resource.Type);
    if (spec === undefined) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    const props = resource.Properties ?? {};
    for (const name of Object.keys(props)) {
      if (!(name in spec.properties)) problems.push(`${id}: ${resource.Type} has no property ${name}`);
    }
    for (const [name, prop] of Object.entries(spec.properties)) {
      if (prop.required === true && !(name in props)) problems.push(`${id}: required property ${name} is missing`);
    }
  }
  const found = { getAtts: [] as string[][], refs: [] as string[] };
  references({ Resources: resources, Outputs: template.Outputs ?? {} }, found);
  for (const [target = '', attribute = ''] of found.getAtts) {
    const type = resources[target]?.Type;
    const spec = type === undefined ? undefined : resourceSpec(type);
    if (spec === undefined) problems.push(`GetAtt ${target}.${attribute}: no such resource`);
    else if (!(attribute in spec.attributes)) problems.push(`GetAtt ${target}.${attribute}: ${spec.cloudFormationType} has no attribute ${attribute}`);
  }
  for (const ref of found.refs) {
    if (!PSEUDO.has(ref) && !(ref in resources) && !(ref in (template.Parameters ?? {}))) problems.push(`Ref ${ref}: not a parameter or resource`);
  }
  return problems;
}
