// Change sets: the reviewable plan of a deploy. Created, waited for, read as
// summaries, then executed by stack-deploy or thrown away (dry run, no-op).
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  type Capability,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { awsErrorName, toCogcfError } from '../aws/errors.js';
import { CogcfError, throwIfInterrupted } from '../errors.js';
import type { StackParameter } from '../templates/load-template.js';
import { pause, readWithRetry } from './poll.js';

/** One resource the change set would add, modify or remove. */
export interface ChangeSummary {
  readonly logicalId: string;
  readonly resourceType: string;
  /** `Add`, `Modify`, `Remove`, `Import`, `Dynamic`. */
  readonly action: string;
  /** `True`, `False` or `Conditional`, for modifications. */
  readonly replacement?: string;
}

export interface ChangeSetRequest {
  readonly cloudFormation: CloudFormationClient;
  readonly stackName: string;
  readonly changeSetName: string;
  readonly type: 'CREATE' | 'UPDATE';
  readonly template: object;
  readonly parameters: readonly StackParameter[];
  readonly capabilities: readonly Capability[];
}

export type ChangeSetOutcome = { readonly empty: false; readonly changes: readonly ChangeSummary[] } | { readonly empty: true };

// Inline TemplateBody limit; larger templates would need an S3 TemplateURL.
const TEMPLATE_BODY_LIMIT = 51_200;

// How CloudFormation says "nothing to do": a FAILED change set with one of these reasons.
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/**
 * Creates the change set; false when CloudFormation refuses it at once
 * because nothing would change (it may answer "No updates are to be
 * performed" as a ValidationError instead of a FAILED change set).
 */
export async function createChangeSet(request: ChangeSetRequest): Promise<boolean> {
  const { cloudFormation, stackName, changeSetName } = request;
  const body = JSON.stringify(request.template);
  if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
    throw new CogcfError('ERR_DEPLOY_FAILED', `The template for stack ${stackName} is ${Buffer.byteLength(body)} bytes; CloudFormation accepts at most ${TEMPLATE_BODY_LIMIT} inline.`, {
      hint: 'This is a bug in cogcf: please report it with the stack name.',
    });
  }
  try {
    await cloudFormation.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: changeSetName,
        ChangeSetType: request.type,
        TemplateBody: body,
        Parameters: [...request.parameters],
        Capabilities: [...request.capabilities],
      }),
    );
  } catch (e) {
    if (awsErrorName(e) === 'ValidationError' && NO_CHANGES.test(String((e as Error).message))) return false;
    throw toCogcfError(e, { action: 'cloudformation:CreateChangeSet', resource: stackName });
  }
  return true;
}

/** Polls until the change set is ready; an empty one is an outcome, any other failure throws. */
export async function waitForChangeSet(
  cloudFormation: CloudFormationClient,
  stackName: string,
  changeSetName: string,
  pollMs: number,
  signal?: AbortSignal,
): Promise<ChangeSetOutcome> {
  for (;;) {
    throwIfInterrupted(signal, `Stopped while CloudFormation planned stack ${stackName}.`);
    const pages = await describeAllPages(cloudFormation, stackName, changeSetName, pollMs);
    const first = pages[0];
    const status = first?.Status;
    if (status === 'CREATE_COMPLETE') {
      return { empty: false, changes: pages.flatMap((page) => (page.Changes ?? []).flatMap(summarise)) };
    }
    if (status === 'FAILED') {
      const reason = first?.StatusReason ?? 'no reason given';
      if (NO_CHANGES.test(reason)) return { empty: true };
      throw new CogcfError('ERR_DEPLOY_FAILED', `CloudFormation could not plan the changes to stack ${stackName}: ${reason}`, {
        hint: 'Fix the cause and deploy again.',
      });
    }
    await pause(pollMs, signal);
  }
}

export async function deleteChangeSet(cloudFormation: CloudFormationClient, stackName: string, changeSetName: string): Promise<void> {
  try {
    await cloudFormation.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
  } catch (e) {
    throw toCogcfError(e, { action: 'cloudformation:DeleteChangeSet', resource: stackName });
  }
}

async function describeAllPages(
  cloudFormation: CloudFormationClient,
  stackName: string,
  changeSetName: string,
  pollMs: number,
): Promise<DescribeChangeSetCommandOutput[]> {
  const pages: DescribeChangeSetCommandOutput[] = [];
  let nextToken: string | undefined;
  do {
    const input = { StackName: stackName, ChangeSetName: changeSetName, ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
    const page = await readWithRetry(() => cloudFormation.send(new DescribeChangeSetCommand(input)), pollMs).catch((e: unknown) => {
      throw toCogcfError(e, { action: 'cloudformation:DescribeChangeSet', resource: stackName });
    });
    pages.push(page);
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return pages;
}

const summarise = (change: NonNullable<DescribeChangeSetCommandOutput['Changes']>[number]): ChangeSummary[] => {
  const resource = change.ResourceChange;
  if (resource === undefined) return [];
  return [
    {
      logicalId: resource.LogicalResourceId ?? '?',
      resourceType: resource.ResourceType ?? '?',
      action: resource.Action ?? '?',
      ...(resource.Replacement === undefined ? {} : { replacement: resource.Replacement }),
    },
  ];
};
