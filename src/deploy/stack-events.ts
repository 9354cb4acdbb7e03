// Watching a stack operation through its event stream. DescribeStackEvents
// answers newest first, in pages; we remember every EventId seen (those that
// existed before execution included, so old history is never replayed) and
// hand back only new events, oldest first.
import { DescribeStackEventsCommand, type CloudFormationClient, type StackEvent as SdkStackEvent } from '@aws-sdk/client-cloudformation';
import { toCogcfError } from '../aws/errors.js';
import { readWithRetry } from './poll.js';

/** One resource status change, as reported to whoever watches the deploy. */
export interface StackEvent {
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  /** Time since execution started, on the deploying machine's clock. */
  readonly elapsedMs: number;
}

export interface EventCursor {
  /** Marks everything already in the stream as seen; call before executing. */
  skipHistory(): Promise<void>;
  /** Events not seen before, oldest first. */
  next(): Promise<SdkStackEvent[]>;
}

export function eventCursor(cloudFormation: CloudFormationClient, stackName: string, pollMs: number): EventCursor {
  const seen = new Set<string>();
  const unseen = async (): Promise<SdkStackEvent[]> => {
    const fresh: SdkStackEvent[] = [];
    let nextToken: string | undefined;
    do {
      const input = { StackName: stackName, ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
      const page = await readWithRetry(() => cloudFormation.send(new DescribeStackEventsCommand(input)), pollMs).catch((e: unknown) => {
        throw toCogcfError(e, { action: 'cloudformation:DescribeStackEvents', resource: stackName });
      });
      const events = page.StackEvents ?? [];
      const known = events.findIndex((event) => seen.has(event.EventId ?? ''));
      // Newest first: once a known event appears, everything after it is known too.
      fresh.push(...(known === -1 ? events : events.slice(0, known)));
      nextToken = known === -1 ? page.NextToken : undefined;
    } while (nextToken !== undefined);
    for (const event of fresh) seen.add(event.EventId ?? '');
    return fresh.reverse();
  };
  return {
    skipHistory: async () => {
      await unseen();
    },
    next: unseen,
  };
}

export const isStackEvent = (event: SdkStackEvent, stackName: string): boolean =>
  event.LogicalResourceId === stackName && event.ResourceType === 'AWS::CloudFormation::Stack';

/** A stack status that ends an operation (anything not `*_IN_PROGRESS`). */
/** A status that ends an operation; an event without one (a hook's, say) ends nothing. */
export const isTerminal = (status: string): boolean => status !== '' && !status.endsWith('_IN_PROGRESS');

// Resources CloudFormation stopped because another one failed: not the cause.
const CANCELLED = /^Resource (creation|update) cancelled/i;

/** The first resource that failed for a reason of its own, oldest first. */
export function firstFailure(events: readonly SdkStackEvent[], stackName: string): SdkStackEvent | undefined {
  const failed = events.filter(
    (event) => (event.ResourceStatus ?? '').endsWith('_FAILED') && event.ResourceStatusReason !== undefined && !CANCELLED.test(event.ResourceStatusReason),
  );
  return failed.find((event) => !isStackEvent(event, stackName)) ?? failed[0];
}

export const toStackEvent = (event: SdkStackEvent, elapsedMs: number): StackEvent => ({
  logicalId: event.LogicalResourceId ?? '?',
  type: event.ResourceType ?? '?',
  status: event.ResourceStatus ?? '?',
  ...(event.ResourceStatusReason === undefined ? {} : { reason: event.ResourceStatusReason }),
  elapsedMs,
});
