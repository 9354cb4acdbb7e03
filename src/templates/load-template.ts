// The two stack templates, read from templates/ and paired with the parameter
// values a deploy sends: what CloudFormation receives, as one JSON object.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-info.js';
import { parseCfnYaml, type CfnTemplate } from './cfn-yaml.js';

export type StackName = 'manager' | 'checker';

export interface StackParameter {
  readonly ParameterKey: string;
  readonly ParameterValue: string;
}

export interface RenderedStack {
  readonly template: CfnTemplate;
  readonly parameters: readonly StackParameter[];
}

export const templatePath = (stack: StackName): string => join(packageRoot(), 'templates', `${stack}-stack.yaml`);

export function loadTemplate(stack: StackName): CfnTemplate {
  return parseCfnYaml(readFileSync(templatePath(stack), 'utf8'));
}

/**
 * Pairs a template with its parameter values. A value for a parameter the
 * template does not declare, or a missing value for one without a default,
 * is a bug in the caller, so it throws rather than letting the deploy fail late.
 */
export function renderStack(template: CfnTemplate, values: Readonly<Record<string, string>>): RenderedStack {
  const declared = template.Parameters ?? {};
  const unknown = Object.keys(values).filter((key) => !(key in declared));
  if (unknown.length > 0) throw new Error(`parameters not in the template: ${unknown.join(', ')}`);
  const missing = Object.entries(declared)
    .filter(([key, spec]) => spec.Default === undefined && values[key] === undefined)
    .map(([key]) => key);
  if (missing.length > 0) throw new Error(`template parameters without a value: ${missing.join(', ')}`);
  const parameters = Object.keys(values)
    .sort()
    .map((key) => ({ ParameterKey: key, ParameterValue: values[key] as string }));
  return { template, parameters };
}
