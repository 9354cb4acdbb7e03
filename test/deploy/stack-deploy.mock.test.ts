// What moto does not model, with exact CloudFormation answers: failures and
// rollbacks, the empty change set, throttling, and the event stream's paging.
import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type StackEvent as SdkStackEvent,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError, isCogcfError } from '../../src/errors.js';
import { deployStacks } from '../../src/deploy/deploy-stacks.js';
import { StackDeployError, type DeployStackOptions } from '../../src/deploy/stack-deploy.js';
import { deployStack } from '../support/deploy-one.js';
import type { StackEvent } from '../../src/deploy/stack-events.js';

const cfMock = mockClient(CloudFormationClient);
const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
const STACK = 'cogcf-manager';

beforeEach(() => {
  cfMock.reset();
});

const awsError = (name: string, message: string) =>
  new CloudFormationServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
const missingStack = () => awsError('ValidationError', `Stack with id ${STACK} does not exist`);

let eventSerial = 0;
/** An event as DescribeStackEvents returns it; `at` is seconds since the operation began. */
const event = (logicalId: string, status: string, at: number, reason?: string): SdkStackEvent => ({
  EventId: `event-${++eventSerial}`,
  StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}/1`,
  StackName: STACK,
  LogicalResourceId: logicalId,
  ResourceType: logicalId === STACK ? 'AWS::CloudFormation::Stack' : `AWS::Test::${logicalId}`,
  ResourceStatus: status as SdkStackEvent['ResourceStatus'],
  Timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, at)),
  ...(reason === undefined ? {} : { ResourceStatusReason: reason }),
});
/** DescribeStackEvents answers newest first. */
const page = (...oldestFirst: SdkStackEvent[]) => ({ StackEvents: [...oldestFirst].reverse() });
const stack = (status: StackStatus, outputs: Record<string, string> = {}) => ({
  Stacks: [
    {
      StackName: STACK,
      StackStatus: status,
      CreationTime: new Date(0),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
const readyChangeSet = {
  Status: 'CREATE_COMPLETE' as const,
  Changes: [
    { Type: 'Resource' as const, ResourceChange: { Action: 'Add' as const, LogicalResourceId: 'Table', ResourceType: 'AWS::DynamoDB::Table' } },
    {
      Type: 'Resource' as const,
      ResourceChange: { Action: 'Modify' as const, LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function', Replacement: 'False' as const },
    },
  ],
};

/** A ready change set whose execution shows `during` after the pre-existing `history`. */
const executionShows = (history: SdkStackEvent, ...during: SdkStackEvent[]) => {
  cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);
  cfMock.on(DescribeStackEventsCommand).resolvesOnce(page(history)).resolves(page(history, ...during));
};

const options = (extra: Partial<DeployStackOptions> & { dryRun?: boolean } = {}): DeployStackOptions & { dryRun?: boolean } => {
  let now = 1_000;
  return { cloudFormation, stackName: STACK, template: { Resources: {} }, parameters: [], pollMs: 0, clock: () => (now += 10), ...extra };
};

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => expect.fail('expected a rejection'), (e: unknown) => e);

describe('deployStack with a mocked CloudFormation', () => {
  it('creates a missing stack: change set CREATE, waits for it, executes, streams events, reads outputs', async () => {
    const review = event(STACK, 'REVIEW_IN_PROGRESS', 0, 'User Initiated');
    const started = event(STACK, 'CREATE_IN_PROGRESS', 1, 'User Initiated');
    const table = event('Table', 'CREATE_COMPLETE', 2);
    const done = event(STACK, 'CREATE_COMPLETE', 3);
    cfMock
      .on(DescribeStacksCommand)
      .rejectsOnce(missingStack())
      .resolves(stack('CREATE_COMPLETE', { TableName: 'sessions', ClientId: 'abc' }));
    cfMock.on(DescribeChangeSetCommand).resolvesOnce({ Status: 'CREATE_PENDING' }).resolvesOnce({ Status: 'CREATE_IN_PROGRESS' }).resolves(readyChangeSet);
    cfMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page(review))
      .resolvesOnce(page(review, started))
      .resolves(page(review, started, table, done));
    const seen: StackEvent[] = [];

    const result = await deployStack(options({ onEvent: (e) => seen.push(e), parameters: [{ ParameterKey: 'A', ParameterValue: 'b' }] }));

    expect(result).toEqual({
      stackName: STACK,
      action: 'create',
      status: 'CREATE_COMPLETE',
      outputs: { TableName: 'sessions', ClientId: 'abc' },
      changes: [
        { logicalId: 'Table', resourceType: 'AWS::DynamoDB::Table', action: 'Add' },
        { logicalId: 'Fn', resourceType: 'AWS::Lambda::Function', action: 'Modify', replacement: 'False' },
      ],
    });
    expect(cfMock).toHaveReceivedCommandWith(CreateChangeSetCommand, {
      StackName: STACK,
      ChangeSetType: 'CREATE',
      ChangeSetName: 'cogcf-1010',
      TemplateBody: '{"Resources":{}}',
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [{ ParameterKey: 'A', ParameterValue: 'b' }],
    });
    expect(cfMock).toHaveReceivedCommandTimes(DescribeChangeSetCommand, 3);
    expect(cfMock).toHaveReceivedCommandExactlyOnceWith(ExecuteChangeSetCommand, { StackName: STACK, ChangeSetName: 'cogcf-1010' });
    // Oldest first, each once, nothing from before execution; elapsed time from the injected clock.
    expect(seen).toEqual([
      { logicalId: STACK, type: 'AWS::CloudFormation::Stack', status: 'CREATE_IN_PROGRESS', reason: 'User Initiated', elapsedMs: 10 },
      { logicalId: 'Table', type: 'AWS::Test::Table', status: 'CREATE_COMPLETE', elapsedMs: 20 },
      { logicalId: STACK, type: 'AWS::CloudFormation::Stack', status: 'CREATE_COMPLETE', elapsedMs: 30 },
    ]);
  });

  it('keeps watching past a stack-level hook event, which has no resource status', async () => {
    const history = event(STACK, 'UPDATE_COMPLETE', 0);
    const { ResourceStatus: _, ...hook } = { ...event(STACK, 'UPDATE_IN_PROGRESS', 2), HookStatus: 'HOOK_COMPLETE_SUCCEEDED' as const, HookType: 'Org::Check::Hook' };
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    executionShows(history, event(STACK, 'UPDATE_IN_PROGRESS', 1), hook, event(STACK, 'UPDATE_COMPLETE', 3));

    const result = await deployStack(options());

    expect(result).toMatchObject({ action: 'update', status: 'UPDATE_COMPLETE' });
  });

  it('reuses a REVIEW_IN_PROGRESS leftover with a CREATE change set', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('REVIEW_IN_PROGRESS'));
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);

    const result = await deployStack(options({ dryRun: true }));

    expect(result.action).toBe('create');
    expect(cfMock).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: 'CREATE' });
  });

  it('treats the "didn\'t contain changes" change set as success: deleted, never executed, outputs kept', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { TableName: 'sessions' }));
    cfMock.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
    });

    const result = await deployStack(options());

    expect(result).toEqual({ stackName: STACK, action: 'none', changes: [], outputs: { TableName: 'sessions' }, status: 'UPDATE_COMPLETE' });
    expect(cfMock).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: 'UPDATE' });
    expect(cfMock).toHaveReceivedCommandExactlyOnceWith(DeleteChangeSetCommand, { StackName: STACK, ChangeSetName: 'cogcf-1010' });
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('treats "No updates are to be performed." the same way', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'No updates are to be performed.' });

    expect((await deployStack(options())).action).toBe('none');
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('treats a change set refused at once with "No updates are to be performed." (a ValidationError) as success', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { TableName: 'sessions' }));
    cfMock.on(CreateChangeSetCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));

    const result = await deployStack(options());

    expect(result).toEqual({ stackName: STACK, action: 'none', changes: [], outputs: { TableName: 'sessions' }, status: 'UPDATE_COMPLETE' });
    expect(cfMock).not.toHaveReceivedCommand(DescribeChangeSetCommand);
    expect(cfMock).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('fails, without executing, on a change set that failed for another reason', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' });

    const error = await rejectionOf(deployStack(options()));

    expect(isCogcfError(error) && error.code).toBe('ERR_DEPLOY_FAILED');
    expect((error as Error).message).toContain('Requires capabilities : [CAPABILITY_NAMED_IAM]');
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('dry run of an update lists the changes, deletes the change set and keeps the stack', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { TableName: 'sessions' }));
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);

    const result = await deployStack(options({ dryRun: true }));

    expect(result).toMatchObject({ action: 'update', status: 'UPDATE_COMPLETE', outputs: { TableName: 'sessions' } });
    expect(result.changes).toHaveLength(2);
    expect(cfMock).toHaveReceivedCommandOnce(DeleteChangeSetCommand);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(cfMock).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it('names the first failing resource when a new stack rolls back, not the ones cancelled because of it', async () => {
    cfMock.on(DescribeStacksCommand).rejects(missingStack());
    executionShows(
      event(STACK, 'REVIEW_IN_PROGRESS', 0),
      event(STACK, 'CREATE_IN_PROGRESS', 1, 'User Initiated'),
      event('Role', 'CREATE_FAILED', 2, 'Resource creation cancelled'),
      event('Table', 'CREATE_FAILED', 3, 'Table already exists: cogcf-sessions'),
      event('Fn', 'CREATE_FAILED', 4, 'Role is invalid'),
      event(STACK, 'ROLLBACK_IN_PROGRESS', 5, 'The following resource(s) failed to create: [Table, Fn].'),
      event(STACK, 'ROLLBACK_COMPLETE', 6),
    );

    const error = await rejectionOf(deployStack(options()));

    expect(error).toBeInstanceOf(StackDeployError);
    const failure = error as StackDeployError;
    expect(failure.code).toBe('ERR_DEPLOY_FAILED');
    expect(failure.status).toBe('ROLLBACK_COMPLETE');
    expect(failure.failedResource?.LogicalResourceId).toBe('Table');
    expect(failure.message).toBe(
      `Stack ${STACK} could not be created: Table (AWS::Test::Table) CREATE_FAILED: Table already exists: cogcf-sessions`,
    );
    expect(failure.hint).toContain(`delete-stack --stack-name ${STACK}`);
  });

  it('says the previous version keeps running when an update rolls back', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    executionShows(
      event(STACK, 'UPDATE_COMPLETE', 0),
      event(STACK, 'UPDATE_IN_PROGRESS', 1),
      event('Fn', 'UPDATE_FAILED', 2, 'Resource handler returned message: "Code storage limit exceeded"'),
      event(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', 3),
      event(STACK, 'UPDATE_ROLLBACK_COMPLETE', 4),
    );

    const error = (await rejectionOf(deployStack(options()))) as StackDeployError;

    expect(error.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(error.message).toContain('could not be updated: Fn (AWS::Test::Fn) UPDATE_FAILED: Resource handler returned message');
    expect(error.hint).toContain('the previous version keeps running');
  });

  it('refuses a ROLLBACK_COMPLETE stack before planning anything, pointing at delete-stack', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('ROLLBACK_COMPLETE'));

    const error = await rejectionOf(deployStack(options()));

    expect(isCogcfError(error) && error.code).toBe('ERR_DEPLOY_FAILED');
    expect((error as Error).message).toContain('ROLLBACK_COMPLETE');
    expect(isCogcfError(error) && error.hint).toContain(`aws cloudformation delete-stack --stack-name ${STACK}`);
    expect(cfMock).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it('refuses a stack that is busy with another operation', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_IN_PROGRESS'));

    const error = await rejectionOf(deployStack(options()));

    expect((error as Error).message).toContain('is busy (UPDATE_IN_PROGRESS)');
    expect(cfMock).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it('keeps watching through throttled Describe* calls', async () => {
    const throttled = () => awsError('Throttling', 'Rate exceeded');
    const before = event(STACK, 'UPDATE_COMPLETE', 0);
    cfMock.on(DescribeStacksCommand).rejectsOnce(throttled()).resolves(stack('UPDATE_COMPLETE', { A: '1' }));
    cfMock.on(DescribeChangeSetCommand).rejectsOnce(throttled()).resolves(readyChangeSet);
    cfMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page(before))
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves(page(before, event(STACK, 'UPDATE_IN_PROGRESS', 1), event(STACK, 'UPDATE_COMPLETE', 2)));
    const seen: StackEvent[] = [];

    const result = await deployStack(options({ onEvent: (e) => seen.push(e) }));

    expect(result).toMatchObject({ action: 'update', status: 'UPDATE_COMPLETE', outputs: { A: '1' } });
    expect(seen.map((e) => e.status)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(cfMock).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 4);
  });

  it('gives up with ERR_AWS when throttling does not stop', async () => {
    cfMock.on(DescribeStacksCommand).rejects(awsError('Throttling', 'Rate exceeded'));

    const error = await rejectionOf(deployStack(options()));

    expect(isCogcfError(error) && error.code).toBe('ERR_AWS');
    expect((error as Error).message).toContain('cloudformation:DescribeStacks');
    expect(cfMock).toHaveReceivedCommandTimes(DescribeStacksCommand, 5);
  });

  it('does not retry errors that are not throttling', async () => {
    cfMock.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'not allowed'));

    const error = await rejectionOf(deployStack(options()));

    expect(isCogcfError(error) && error.code).toBe('ERR_AWS_PERMISSION');
    expect(cfMock).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });

  it('streams events across pages and polls, oldest first, each once, never replaying history', async () => {
    const [old1, old2, old3] = [event('Old', 'UPDATE_COMPLETE', 0), event('Old', 'UPDATE_COMPLETE', 1), event('Old', 'UPDATE_COMPLETE', 2)];
    const begin = event(STACK, 'UPDATE_IN_PROGRESS', 10);
    const a = event('A', 'UPDATE_IN_PROGRESS', 11);
    const b = event('B', 'UPDATE_IN_PROGRESS', 12);
    const aDone = event('A', 'UPDATE_COMPLETE', 13);
    const end = event(STACK, 'UPDATE_COMPLETE', 14);
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);
    cfMock
      .on(DescribeStackEventsCommand)
      // History, two pages: both read so that every old event is known.
      .resolvesOnce({ ...page(old2, old3), NextToken: 'h2' })
      .resolvesOnce(page(old1))
      // Poll 1: the first page is all new, so the next is read; it reaches history, so paging stops.
      .resolvesOnce({ ...page(begin, a), NextToken: 'p2' })
      .resolvesOnce({ ...page(old2, old3), NextToken: 'p3' })
      // Poll 2: nothing new. Poll 3: overlaps what was already seen.
      .resolvesOnce(page(old1, old2, old3, begin, a))
      .resolves(page(old1, old2, old3, begin, a, b, aDone, end));
    const seen: string[] = [];

    await deployStack(options({ onEvent: (e) => seen.push(`${e.logicalId} ${e.status}`) }));

    expect(seen).toEqual([`${STACK} UPDATE_IN_PROGRESS`, 'A UPDATE_IN_PROGRESS', 'B UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE', `${STACK} UPDATE_COMPLETE`]);
    expect(cfMock).toHaveReceivedNthCommandWith(DescribeStackEventsCommand, 2, { StackName: STACK, NextToken: 'h2' });
    expect(cfMock).toHaveReceivedNthCommandWith(DescribeStackEventsCommand, 4, { StackName: STACK, NextToken: 'p2' });
    expect(cfMock).not.toHaveReceivedCommandWith(DescribeStackEventsCommand, { NextToken: 'p3' });
    expect(cfMock).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 6);
  });
});

describe('deployStacks', () => {
  const OTHER = 'cogcf-checker';
  const otherClient = new CloudFormationClient({ region: 'us-east-1' });
  const both = () => [options(), options({ cloudFormation: otherClient, stackName: OTHER })];
  const stackEvent = (name: string, status: string, at: number) => ({ ...event(name, status, at), StackName: name, ResourceType: 'AWS::CloudFormation::Stack' });
  /** Both stacks exist (UPDATE_COMPLETE) and each change set is ready; `end` is how each execution ends. */
  const twoUpdates = (end: Record<string, string>) => {
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);
    for (const name of [STACK, OTHER]) {
      cfMock.on(DescribeStacksCommand, { StackName: name }).resolves({ Stacks: [{ StackName: name, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), Outputs: [{ OutputKey: 'Name', OutputValue: name }] }] });
      const history = stackEvent(name, 'UPDATE_COMPLETE', 0);
      cfMock.on(DescribeStackEventsCommand, { StackName: name }).resolvesOnce(page(history)).resolves(page(history, stackEvent(name, end[name] ?? 'UPDATE_COMPLETE', 1)));
    }
  };

  it('executes planned stacks in parallel; one failing leaves the other to finish; events are named by stack', async () => {
    twoUpdates({ [STACK]: 'UPDATE_ROLLBACK_COMPLETE' });
    const seen: string[] = [];

    const outcomes = await deployStacks(both(), { onEvent: (e) => seen.push(`${e.stackName}: ${e.logicalId} ${e.status}`) });

    const [failed, deployed] = outcomes;
    expect(failed).toMatchObject({ stackName: STACK, ok: false });
    expect(failed?.ok === false && isCogcfError(failed.error) && failed.error.code).toBe('ERR_DEPLOY_FAILED');
    expect(deployed).toMatchObject({ stackName: OTHER, ok: true, result: { action: 'update', outputs: { Name: OTHER } } });
    expect(seen.sort()).toEqual([`${OTHER}: ${OTHER} UPDATE_COMPLETE`, `${STACK}: ${STACK} UPDATE_ROLLBACK_COMPLETE`]);
  });

  it('plans every stack first: one that cannot be planned stops the other before it changes anything', async () => {
    twoUpdates({});
    cfMock.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack('ROLLBACK_COMPLETE'));

    const outcomes = await deployStacks(both());

    expect(outcomes[0]).toMatchObject({ stackName: STACK, ok: false, error: { code: 'ERR_DEPLOY_FAILED', message: expect.stringContaining('ROLLBACK_COMPLETE') } });
    expect(outcomes[1]).toMatchObject({
      stackName: OTHER,
      ok: false,
      error: { code: 'ERR_DEPLOY_FAILED', message: `Stack ${OTHER} was not changed: its change set was deleted. It was not deployed because ${STACK} could not be planned.` },
    });
    expect(cfMock).toHaveReceivedCommandWith(DeleteChangeSetCommand, { StackName: OTHER });
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('asks once, with both plans, before executing anything; yes executes both', async () => {
    twoUpdates({});
    const asked: string[][] = [];

    const outcomes = await deployStacks(both(), {
      confirm: async (plans) => {
        asked.push(plans.map((p) => `${p.stackName} ${p.action} ${p.changes.length}`));
        expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
        return true;
      },
    });

    expect(asked).toEqual([[`${STACK} update 2`, `${OTHER} update 2`]]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(cfMock).toHaveReceivedCommandTimes(ExecuteChangeSetCommand, 2);
  });

  it('no deletes both change sets and executes nothing (ERR_DECLINED)', async () => {
    twoUpdates({});

    const outcomes = await deployStacks(both(), { confirm: async () => false });

    expect(outcomes.map((o) => !o.ok && isCogcfError(o.error) && [o.error.code, o.error.exitCode, o.error.message])).toEqual([
      ['ERR_DECLINED', 1, `Not confirmed: Stack ${STACK} was not changed: its change set was deleted.`],
      ['ERR_DECLINED', 1, `Not confirmed: Stack ${OTHER} was not changed: its change set was deleted.`],
    ]);
    expect(cfMock).toHaveReceivedCommandTimes(DeleteChangeSetCommand, 2);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('Ctrl-C at the question deletes both change sets (exit 130)', async () => {
    twoUpdates({});

    const outcomes = await deployStacks(both(), {
      confirm: async () => {
        throw new InterruptedError('cancelled');
      },
    });

    expect(outcomes.map((o) => !o.ok && isCogcfError(o.error) && o.error.exitCode)).toEqual([130, 130]);
    expect(cfMock).toHaveReceivedCommandTimes(DeleteChangeSetCommand, 2);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('asks about the one stack that changes; n leaves the unchanged one reported as such', async () => {
    twoUpdates({});
    cfMock.on(CreateChangeSetCommand, { StackName: OTHER }).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    const asked: string[] = [];

    const outcomes = await deployStacks(both(), { confirm: async (plans) => (asked.push(...plans.map((p) => `${p.stackName} ${p.action}`)), false) });

    expect(asked).toEqual([`${STACK} update`, `${OTHER} none`]);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'ERR_DECLINED' } });
    expect(outcomes[1]).toMatchObject({ ok: true, result: { action: 'none', status: 'UPDATE_COMPLETE' } });
    expect(cfMock).toHaveReceivedCommandTimes(DeleteChangeSetCommand, 1);
  });

  it('never asks once Ctrl-C has fired, even after the last check of each plan', async () => {
    twoUpdates({});
    const ctrlC = new AbortController();
    // The signal fires as the last plan finishes, after its own checks.
    cfMock.on(DescribeChangeSetCommand).callsFake(() => (cfMock.commandCalls(DescribeChangeSetCommand).length === 2 && ctrlC.abort(), readyChangeSet));
    let asked = false;

    const outcomes = await deployStacks(
      both().map((spec) => ({ ...spec, signal: ctrlC.signal })),
      { confirm: async () => ((asked = true), true) },
    );

    expect(asked).toBe(false);
    expect(outcomes.map((o) => !o.ok && isCogcfError(o.error) && o.error.exitCode)).toEqual([130, 130]);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('a stack whose change set cannot be executed (gone stale while asking) has it deleted; the other still runs', async () => {
    twoUpdates({});
    cfMock.on(ExecuteChangeSetCommand, { StackName: STACK }).rejects(awsError('InvalidChangeSetStatus', 'ChangeSet is in OBSOLETE state'));

    const outcomes = await deployStacks(both(), { confirm: async () => true });

    expect(outcomes[0]).toMatchObject({ ok: false, error: { message: expect.stringContaining('OBSOLETE') } });
    expect(outcomes[1]).toMatchObject({ ok: true, result: { action: 'update' } });
    expect(cfMock).toHaveReceivedCommandWith(DeleteChangeSetCommand, { StackName: STACK });
  });

  it('a change set CloudFormation cannot plan is deleted, with the empty new stack, and stops the other', async () => {
    twoUpdates({});
    cfMock.on(DescribeStacksCommand, { StackName: STACK }).rejects(missingStack());
    cfMock.on(DescribeChangeSetCommand, { StackName: STACK }).resolves({ Status: 'FAILED', StatusReason: 'Template error: bad reference' });

    const outcomes = await deployStacks(both(), { confirm: async () => true });

    expect(outcomes[0]).toMatchObject({ ok: false, error: { message: expect.stringContaining('Template error: bad reference') } });
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'ERR_DEPLOY_FAILED' } });
    expect(cfMock).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK });
    expect(cfMock).toHaveReceivedCommandWith(DeleteChangeSetCommand, { StackName: OTHER });
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('does not ask when no stack would change', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(CreateChangeSetCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    let asked = false;

    const outcomes = await deployStacks(both(), {
      confirm: async () => {
        asked = true;
        return false;
      },
    });

    expect(asked).toBe(false);
    expect(outcomes.map((o) => o.ok && o.result.action)).toEqual(['none', 'none']);
  });
});

describe('deployStack stopped by Ctrl-C (the signal)', () => {
  it('while the change set is planned: lets CloudFormation finish planning, then deletes it and the empty new stack', async () => {
    const ctrlC = new AbortController();
    const deleted: string[] = [];
    cfMock.on(DescribeStacksCommand).rejects(missingStack());
    cfMock
      .on(DescribeChangeSetCommand)
      .callsFakeOnce(() => {
        ctrlC.abort();
        return { Status: 'CREATE_PENDING' };
      })
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolves(readyChangeSet);
    // CloudFormation refuses to delete a change set it is still planning.
    cfMock.on(DeleteChangeSetCommand).callsFake(() => {
      if (cfMock.commandCalls(DescribeChangeSetCommand).length < 3) throw awsError('InvalidChangeSetStatus', 'Cannot delete ChangeSet in status CREATE_IN_PROGRESS');
      deleted.push('change set');
      return {};
    });
    cfMock.on(DeleteStackCommand).callsFake(() => deleted.push('stack') && {});

    const e = await rejectionOf(deployStack(options({ signal: ctrlC.signal })));

    expect(isCogcfError(e) && e.code).toBe('ERR_INTERRUPTED');
    expect(isCogcfError(e) && e.exitCode).toBe(130);
    expect((e as Error).message).toBe(`Stopped before stack ${STACK} was changed: its change set was deleted.`);
    expect(deleted).toEqual(['change set', 'stack']);
    expect(cfMock).toHaveReceivedCommandWith(DeleteChangeSetCommand, { StackName: STACK, ChangeSetName: 'cogcf-1010' });
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('when the leftovers cannot be deleted: still reports a stop (exit 130), naming the command that removes them', async () => {
    const ctrlC = new AbortController();
    cfMock.on(DescribeStacksCommand).rejects(missingStack());
    cfMock.on(DescribeChangeSetCommand).callsFake(() => {
      ctrlC.abort();
      return readyChangeSet;
    });
    cfMock.on(DeleteChangeSetCommand).rejects(awsError('InvalidChangeSetStatus', 'nope'));
    cfMock.on(DeleteStackCommand).rejects(awsError('ValidationError', 'Stack is busy'));

    const e = await rejectionOf(deployStack(options({ signal: ctrlC.signal })));

    expect(isCogcfError(e) && e.exitCode).toBe(130);
    expect((e as Error).message).toMatch(new RegExp(`^Stopped before stack ${STACK} was changed, but its change set cogcf-1010 could not be deleted: .*Stack is busy`));
    expect(isCogcfError(e) && e.hint).toBe(`Delete it: aws cloudformation delete-stack --stack-name ${STACK} --region eu-west-1`);
  });

  it('after the plan is ready but before executing an update: deletes the change set and keeps the stack', async () => {
    const ctrlC = new AbortController();
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);
    cfMock.on(DescribeStackEventsCommand).callsFake(() => {
      ctrlC.abort();
      return page(event(STACK, 'UPDATE_COMPLETE', 0));
    });

    const e = await rejectionOf(deployStack(options({ signal: ctrlC.signal })));

    expect((e as Error).message).toBe(`Stopped before stack ${STACK} was changed: its change set was deleted.`);
    expect(cfMock).toHaveReceivedCommandTimes(DeleteChangeSetCommand, 1);
    expect(cfMock).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(cfMock).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it('after executing an update: stops watching, touches nothing, and says how to follow or roll it back', async () => {
    const ctrlC = new AbortController();
    const history = event(STACK, 'UPDATE_COMPLETE', 0);
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfMock.on(DescribeChangeSetCommand).resolves(readyChangeSet);
    cfMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page(history))
      .callsFake(() => {
        ctrlC.abort();
        return page(history, event(STACK, 'UPDATE_IN_PROGRESS', 1));
      });
    const seen: StackEvent[] = [];

    const e = await rejectionOf(deployStack(options({ signal: ctrlC.signal, onEvent: (ev) => seen.push(ev) })));

    expect(isCogcfError(e) && e.code).toBe('ERR_INTERRUPTED');
    expect((e as Error).message).toBe(`Stopped watching stack ${STACK}: CloudFormation goes on with the update.`);
    expect(isCogcfError(e) && e.hint).toBe(
      `Follow it with aws cloudformation describe-stacks --stack-name ${STACK} --region eu-west-1, and deploy again once it has finished.` +
        ` To roll the update back instead: aws cloudformation cancel-update-stack --stack-name ${STACK} --region eu-west-1.`,
    );
    expect(seen.map((ev) => ev.status)).toEqual(['UPDATE_IN_PROGRESS']);
    expect(cfMock).toHaveReceivedCommandTimes(ExecuteChangeSetCommand, 1);
    expect(cfMock).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(cfMock).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it('a signal that fired before the start changes nothing at all', async () => {
    cfMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));

    const e = await rejectionOf(deployStack(options({ signal: AbortSignal.abort() })));

    expect((e as Error).message).toBe(`Stopped before stack ${STACK} was changed.`);
    expect(cfMock).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });
});
