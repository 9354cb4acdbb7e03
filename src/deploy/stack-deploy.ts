// Deploying one stack through a change set, in steps a caller can hold apart
// (to show both stacks' plans and ask before executing either): planStack
// discovers the stack and plans its change set; executeStackPlan executes it
// and streams the stack's events until CloudFormation is done, or
// discardStackPlan deletes it. Only the execute step changes what runs.
// Ctrl-C (the signal) before the execute step throws the change set away, so
// nothing changed; after it, CloudFormation carries on and we only stop watching.
import {
  DeleteStackCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Capability,
  type CloudFormationClient,
  type Stack,
  type StackEvent as SdkStackEvent,
} from '@aws-sdk/client-cloudformation';
import { awsErrorName, toCogcfError } from '../aws/errors.js';
import { CogcfError, InterruptedError, throwIfInterrupted } from '../errors.js';
import type { StackParameter } from '../templates/load-template.js';
import { createChangeSet, deleteChangeSet, waitForChangeSet, type ChangeSetOutcome, type ChangeSummary } from './change-set.js';
import { pause, readWithRetry } from './poll.js';
import { eventCursor, firstFailure, isStackEvent, isTerminal, toStackEvent, type EventCursor, type StackEvent } from './stack-events.js';

export interface DeployStackOptions {
  readonly cloudFormation: CloudFormationClient;
  readonly stackName: string;
  readonly template: object;
  readonly parameters: readonly StackParameter[];
  /** Defaults to CAPABILITY_IAM: our templates create roles with generated names. */
  readonly capabilities?: readonly Capability[];
  readonly onEvent?: (event: StackEvent) => void;
  /** Epoch milliseconds; names change sets and measures elapsed time. */
  readonly clock?: () => number;
  /** Pause between Describe* polls (default 5 s). */
  readonly pollMs?: number;
  /** Ctrl-C: stop at the next checkpoint. */
  readonly signal?: AbortSignal | undefined;
}

export interface StackDeployResult {
  readonly stackName: string;
  /** What the change set does (or, on a dry run, would do). */
  readonly action: 'create' | 'update' | 'none';
  readonly changes: readonly ChangeSummary[];
  readonly outputs: Readonly<Record<string, string>>;
  /** The stack's status afterwards; `NOT_CREATED` after a dry run of a new stack. */
  readonly status: string;
}

/** A stack operation CloudFormation ran and rolled back (or could not). */
export class StackDeployError extends CogcfError {
  constructor(
    readonly stackName: string,
    readonly status: string,
    readonly failedResource: SdkStackEvent | undefined,
    message: string,
    hint: string,
  ) {
    super('ERR_DEPLOY_FAILED', message, { hint });
  }
}

const DEFAULT_POLL_MS = 5_000;

/** A stack's change set, planned and neither executed nor deleted yet (none is kept when there is nothing to do). */
export interface StackPlan {
  readonly stackName: string;
  /** What executing it would do. */
  readonly action: 'create' | 'update' | 'none';
  readonly changes: readonly ChangeSummary[];
  /** The stack as it was before; undefined when it does not exist yet. */
  readonly existing: Stack | undefined;
  readonly type: 'CREATE' | 'UPDATE';
  readonly changeSetName: string;
}

type PlanOptions = Omit<DeployStackOptions, 'onEvent'>;

const settings = (options: PlanOptions) => ({ clock: options.clock ?? Date.now, pollMs: options.pollMs ?? DEFAULT_POLL_MS });

/**
 * Discovers the stack and plans its change set. Changes nothing that runs;
 * Ctrl-C meanwhile deletes the change set (and an empty new stack) again.
 */
export async function planStack(options: PlanOptions): Promise<StackPlan> {
  const { cloudFormation, stackName, signal } = options;
  const { clock, pollMs } = settings(options);
  const existing = await discoverStack(cloudFormation, stackName, pollMs);
  throwIfInterrupted(signal, `Stopped before stack ${stackName} was changed.`);
  // A REVIEW_IN_PROGRESS stack was never executed: it holds no resources and takes a CREATE change set.
  const type = existing === undefined || existing.StackStatus === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  const changeSetName = `cogcf-${clock()}`;
  const created = await createChangeSet({
    cloudFormation,
    stackName,
    changeSetName,
    type,
    template: options.template,
    parameters: options.parameters,
    capabilities: options.capabilities ?? ['CAPABILITY_IAM'],
  });
  const none: StackPlan = { stackName, action: 'none', changes: [], existing, type, changeSetName };
  if (!created) {
    throwIfInterrupted(signal, `Stopped before stack ${stackName} was changed.`);
    return none;
  }
  let outcome: ChangeSetOutcome | undefined;
  try {
    outcome = await waitForChangeSet(cloudFormation, stackName, changeSetName, pollMs, signal);
  } catch (e) {
    // Ctrl-C is handled below, with the plan it leaves.
    if (!(e instanceof InterruptedError)) {
      await discardQuietly(cloudFormation, stackName, changeSetName, type);
      throw e;
    }
  }
  const plan: StackPlan = outcome?.empty === false ? { ...none, action: type === 'CREATE' ? 'create' : 'update', changes: outcome.changes } : none;
  if (signal?.aborted || outcome === undefined) return stopBeforeChange(options, plan, outcome !== undefined);
  if (outcome.empty) await deleteChangeSet(cloudFormation, stackName, changeSetName);
  return plan;
}

/** Deletes a plan's change set (and the empty new stack it made); for a dry run, or a deploy not confirmed. */
export async function discardStackPlan(options: PlanOptions, plan: StackPlan): Promise<void> {
  if (plan.action !== 'none') await discardChangeSet(options.cloudFormation, plan.stackName, plan.changeSetName, plan.type);
}

/** What a plan with nothing to do reports: the stack as it is. */
export const unchangedResult = (plan: StackPlan): StackDeployResult => ({
  stackName: plan.stackName,
  action: 'none',
  changes: [],
  outputs: outputsOf(plan.existing),
  status: plan.existing?.StackStatus ?? 'UNKNOWN',
});

/** What a dry run reports for a plan it has discarded. */
export const dryRunResult = (plan: StackPlan): StackDeployResult => ({
  stackName: plan.stackName,
  action: plan.action,
  changes: plan.changes,
  outputs: outputsOf(plan.existing),
  status: plan.existing?.StackStatus ?? 'NOT_CREATED',
});

/**
 * Executes a plan's change set and streams the stack's events until
 * CloudFormation is done. Ctrl-C before the execute call still deletes the
 * change set; after it, CloudFormation carries on and we only stop watching.
 */
export async function executeStackPlan(options: DeployStackOptions, plan: StackPlan): Promise<StackDeployResult> {
  const { cloudFormation, stackName, signal } = options;
  const { clock, pollMs } = settings(options);
  const { action, changeSetName } = plan;
  if (action === 'none') return unchangedResult(plan);
  const cursor = eventCursor(cloudFormation, stackName, pollMs);
  await cursor.skipHistory();
  if (signal?.aborted) return stopBeforeChange(options, plan, true);
  const startedAt = clock();
  try {
    await cloudFormation.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
  } catch (e) {
    // Not executed (it went stale, say, while the question was open): nothing changed, and the change set goes.
    await discardQuietly(cloudFormation, stackName, changeSetName, plan.type);
    throw toCogcfError(e, { action: 'cloudformation:ExecuteChangeSet', resource: stackName });
  }
  const { status, events } = await followUntilDone(cursor, stackName, pollMs, signal, (event) =>
    options.onEvent?.(toStackEvent(event, clock() - startedAt)),
  ).catch(async (e: unknown) => {
    throw e instanceof InterruptedError ? await stoppedWatching(cloudFormation, stackName, action) : e;
  });
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') throw deployFailure(stackName, action, status, events);
  const deployed = await discoverStack(cloudFormation, stackName, pollMs);
  return { stackName, action, changes: plan.changes, outputs: outputsOf(deployed), status };
}

/** Ctrl-C before the execute step: the change set goes, so nothing changed. */
async function stopBeforeChange(options: PlanOptions, plan: StackPlan, planned: boolean): Promise<never> {
  const { cloudFormation } = options;
  const { stackName, changeSetName, type } = plan;
  // CloudFormation refuses to delete a change set it is still planning.
  if (!planned) await waitForChangeSet(cloudFormation, stackName, changeSetName, settings(options).pollMs).catch(() => undefined);
  try {
    await discardChangeSet(cloudFormation, stackName, changeSetName, type);
  } catch (e) {
    throw new InterruptedError(`Stopped before stack ${stackName} was changed, but its change set ${changeSetName} could not be deleted: ${(e as Error).message}`, {
      hint: `Delete it: ${await leftoverCommand(cloudFormation, stackName, changeSetName, type)}`,
    });
  }
  throw new InterruptedError(`Stopped before stack ${stackName} was changed: its change set was deleted.`);
}

async function discoverStack(cloudFormation: CloudFormationClient, stackName: string, pollMs: number): Promise<Stack | undefined> {
  let stack: Stack | undefined;
  try {
    const answer = await readWithRetry(() => cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })), pollMs);
    stack = answer.Stacks?.[0];
  } catch (e) {
    if (awsErrorName(e) === 'ValidationError' && /does not exist/.test(String((e as Error).message))) return undefined;
    throw toCogcfError(e, { action: 'cloudformation:DescribeStacks', resource: stackName });
  }
  const status = stack?.StackStatus;
  if (status === undefined || status === 'DELETE_COMPLETE') return undefined;
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    throw new CogcfError('ERR_DEPLOY_FAILED', `Stack ${stackName} is in ${status}: its first creation failed, and such a stack can only be deleted.`, {
      hint: `Delete it (aws cloudformation delete-stack --stack-name ${stackName}), then deploy again.`,
    });
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    throw new CogcfError('ERR_DEPLOY_FAILED', `Stack ${stackName} is in UPDATE_ROLLBACK_FAILED and cannot be updated.`, {
      hint: `Finish the rollback (aws cloudformation continue-update-rollback --stack-name ${stackName}), then deploy again.`,
    });
  }
  if (status !== 'REVIEW_IN_PROGRESS' && !isTerminal(status)) {
    throw new CogcfError('ERR_DEPLOY_FAILED', `Stack ${stackName} is busy (${status}).`, {
      hint: 'Wait for the operation in progress to finish (CloudFormation console or describe-stacks), then deploy again.',
    });
  }
  return stack;
}

/** A change set that will not be executed; for a new stack, also the empty REVIEW_IN_PROGRESS stack it made. */
async function discardChangeSet(cloudFormation: CloudFormationClient, stackName: string, changeSetName: string, type: 'CREATE' | 'UPDATE'): Promise<void> {
  if (type === 'UPDATE') return deleteChangeSet(cloudFormation, stackName, changeSetName);
  // Deleting the never-executed stack also takes any change set the first call could not.
  await deleteChangeSet(cloudFormation, stackName, changeSetName).catch(() => undefined);
  await deleteEmptyStack(cloudFormation, stackName);
}

/**
 * Deletes a change set that failed to plan or execute, on the way to reporting
 * that failure. If this fails too, what is left is harmless: a next deploy
 * plans anew, and takes over an empty REVIEW_IN_PROGRESS stack.
 */
async function discardQuietly(cloudFormation: CloudFormationClient, stackName: string, changeSetName: string, type: 'CREATE' | 'UPDATE'): Promise<void> {
  await discardChangeSet(cloudFormation, stackName, changeSetName, type).catch(() => undefined);
}

/** `--stack-name … --region …`, for the AWS CLI commands a hint suggests. */
const cliTarget = async (cloudFormation: CloudFormationClient, stackName: string): Promise<string> =>
  `--stack-name ${stackName} --region ${await cloudFormation.config.region()}`;

/** The AWS CLI command that removes what an interrupted plan left behind. */
async function leftoverCommand(cloudFormation: CloudFormationClient, stackName: string, changeSetName: string, type: 'CREATE' | 'UPDATE'): Promise<string> {
  const where = await cliTarget(cloudFormation, stackName);
  // Deleting the never-executed stack of a CREATE change set takes its change sets with it.
  return type === 'CREATE' ? `aws cloudformation delete-stack ${where}` : `aws cloudformation delete-change-set --change-set-name ${changeSetName} ${where}`;
}

/** Ctrl-C after the execute step: CloudFormation goes on, so say how to follow (or undo) it. */
async function stoppedWatching(cloudFormation: CloudFormationClient, stackName: string, action: 'create' | 'update'): Promise<InterruptedError> {
  const where = await cliTarget(cloudFormation, stackName);
  const undo =
    action === 'update'
      ? ` To roll the update back instead: aws cloudformation cancel-update-stack ${where}.`
      : ' A create that fails is rolled back by CloudFormation itself.';
  return new InterruptedError(`Stopped watching stack ${stackName}: CloudFormation goes on with the ${action}.`, {
    hint: `Follow it with aws cloudformation describe-stacks ${where}, and deploy again once it has finished.${undo}`,
  });
}

async function deleteEmptyStack(cloudFormation: CloudFormationClient, stackName: string): Promise<void> {
  try {
    await cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
  } catch (e) {
    throw toCogcfError(e, { action: 'cloudformation:DeleteStack', resource: stackName });
  }
}

/** Emits new events until the stack itself reports a terminal status, and returns that status. */
async function followUntilDone(
  cursor: EventCursor,
  stackName: string,
  pollMs: number,
  signal: AbortSignal | undefined,
  emit: (event: SdkStackEvent) => void,
): Promise<{ status: string; events: SdkStackEvent[] }> {
  const events: SdkStackEvent[] = [];
  for (;;) {
    throwIfInterrupted(signal, `Stopped watching stack ${stackName}.`);
    for (const event of await cursor.next()) {
      events.push(event);
      emit(event);
      const status = event.ResourceStatus ?? '';
      if (isStackEvent(event, stackName) && isTerminal(status)) return { status, events };
    }
    await pause(pollMs, signal);
  }
}

function deployFailure(stackName: string, action: 'create' | 'update', status: string, events: readonly SdkStackEvent[]): StackDeployError {
  const failed = firstFailure(events, stackName);
  const cause =
    failed === undefined
      ? `it ended in ${status}`
      : `${failed.LogicalResourceId} (${failed.ResourceType}) ${failed.ResourceStatus}: ${failed.ResourceStatusReason}`;
  const message = `Stack ${stackName} could not be ${action === 'create' ? 'created' : 'updated'}: ${cause}`;
  const hint =
    status === 'UPDATE_ROLLBACK_COMPLETE'
      ? 'CloudFormation rolled the update back: the previous version keeps running. Fix the cause and deploy again.'
      : status === 'UPDATE_ROLLBACK_FAILED'
        ? `The rollback failed too: finish it (aws cloudformation continue-update-rollback --stack-name ${stackName}), fix the cause, and deploy again.`
        : `Nothing was left running. Fix the cause, delete the failed stack (aws cloudformation delete-stack --stack-name ${stackName}) and deploy again.`;
  return new StackDeployError(stackName, status, failed, message, hint);
}

const outputsOf = (stack: Stack | undefined): Record<string, string> =>
  Object.fromEntries((stack?.Outputs ?? []).flatMap((o) => (o.OutputKey === undefined ? [] : [[o.OutputKey, o.OutputValue ?? '']])));
