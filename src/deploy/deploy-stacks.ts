// Several stacks at once (manager and checker live in different regions and
// do not depend on each other). Every stack is planned first. Only when all
// of them have a plan, and the caller has confirmed the plans if it asks to,
// are they executed: in parallel, each to its own end, so one failing never
// abandons the other mid-flight, and the caller gets every outcome. A stack
// that cannot be planned stops the others before they change anything.
import { CogcfError, InterruptedError } from '../errors.js';
import type { StackEvent } from './stack-events.js';
import {
  discardStackPlan,
  dryRunResult,
  executeStackPlan,
  planStack,
  unchangedResult,
  type DeployStackOptions,
  type StackDeployResult,
  type StackPlan,
} from './stack-deploy.js';

export type StackSpec = Omit<DeployStackOptions, 'onEvent'>;

export interface NamedStackEvent extends StackEvent {
  readonly stackName: string;
}

export type StackOutcome =
  | { readonly stackName: string; readonly ok: true; readonly result: StackDeployResult }
  | { readonly stackName: string; readonly ok: false; readonly error: unknown };

export interface DeployStacksOptions {
  readonly onEvent?: (event: NamedStackEvent) => void;
  /** Plan every stack, report the plans, and delete their change sets. */
  readonly dryRun?: boolean;
  /**
   * Asked once every stack has a plan and one of them changes something:
   * false deletes the change sets. It throws InterruptedError for Ctrl-C.
   */
  readonly confirm?: (plans: readonly StackPlan[]) => Promise<boolean>;
}

const succeeded = (result: StackDeployResult): StackOutcome => ({ stackName: result.stackName, ok: true, result });
const failed = (stackName: string, error: unknown): StackOutcome => ({ stackName, ok: false, error });

/** Deletes every planned change set; a stack's outcome is then `outcomeOf(plan)`, or what stopped it. */
function discardAll(
  specs: readonly StackSpec[],
  planned: readonly PromiseSettledResult<StackPlan>[],
  outcomeOf: (plan: StackPlan) => StackOutcome,
): Promise<StackOutcome[]> {
  return Promise.all(
    planned.map(async (settled, i) => {
      const spec = specs[i] as StackSpec;
      if (settled.status === 'rejected') return failed(spec.stackName, settled.reason);
      try {
        await discardStackPlan(spec, settled.value);
      } catch (e) {
        return failed(spec.stackName, e);
      }
      return outcomeOf(settled.value);
    }),
  );
}

const unchanged = (plan: StackPlan): string => `Stack ${plan.stackName} was not changed${plan.action === 'none' ? '' : ': its change set was deleted'}.`;

export async function deployStacks(specs: readonly StackSpec[], options: DeployStacksOptions = {}): Promise<StackOutcome[]> {
  const planned = await Promise.allSettled(specs.map((spec) => planStack(spec)));
  if (options.dryRun) return discardAll(specs, planned, (plan) => succeeded(dryRunResult(plan)));

  const unplanned = planned.flatMap((settled, i) => (settled.status === 'rejected' ? [{ stackName: (specs[i] as StackSpec).stackName, error: settled.reason }] : []));
  if (unplanned.length > 0) {
    const interrupted = unplanned.some(({ error }) => error instanceof InterruptedError);
    const names = unplanned.map(({ stackName }) => stackName).join(' and ');
    return discardAll(specs, planned, (plan) =>
      plan.action === 'none' && !interrupted
        ? succeeded(unchangedResult(plan))
        : failed(
            plan.stackName,
            interrupted
              ? new InterruptedError(`Stopped: ${unchanged(plan)}`)
              : new CogcfError('ERR_DEPLOY_FAILED', `${unchanged(plan)} It was not deployed because ${names} could not be planned.`),
          ),
    );
  }

  const plans = planned.map((settled) => (settled as PromiseFulfilledResult<StackPlan>).value);
  const stopped = () => discardAll(specs, planned, (plan) => failed(plan.stackName, new InterruptedError(`Stopped: ${unchanged(plan)}`)));
  // Ctrl-C may land after the last check of a plan: never ask then.
  if (specs.some((spec) => spec.signal?.aborted)) return stopped();
  if (options.confirm !== undefined && plans.some((plan) => plan.action !== 'none')) {
    let confirmed: boolean;
    try {
      confirmed = await options.confirm(plans);
    } catch (e) {
      if (e instanceof InterruptedError) return stopped();
      return discardAll(specs, planned, (plan) => failed(plan.stackName, e));
    }
    if (!confirmed) {
      return discardAll(specs, planned, (plan) =>
        plan.action === 'none' ? succeeded(unchangedResult(plan)) : failed(plan.stackName, new CogcfError('ERR_DECLINED', `Not confirmed: ${unchanged(plan)}`)),
      );
    }
  }

  const executed = await Promise.allSettled(
    plans.map((plan, i) => {
      const spec = specs[i] as StackSpec;
      return executeStackPlan({ ...spec, onEvent: (event) => options.onEvent?.({ stackName: spec.stackName, ...event }) }, plan);
    }),
  );
  return executed.map((settled, i) => (settled.status === 'fulfilled' ? succeeded(settled.value) : failed((specs[i] as StackSpec).stackName, settled.reason)));
}
