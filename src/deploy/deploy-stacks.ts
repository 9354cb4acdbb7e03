// Several stacks at once (manager and checker live in different regions and
// do not depend on each other): each runs to its own end, so one failing
// never abandons the other mid-flight, and the caller gets every outcome.
import type { StackEvent } from './stack-events.js';
import { deployStack, type DeployStackOptions, type StackDeployResult } from './stack-deploy.js';

export type StackSpec = Omit<DeployStackOptions, 'onEvent'>;

export interface NamedStackEvent extends StackEvent {
  readonly stackName: string;
}

export type StackOutcome =
  | { readonly stackName: string; readonly ok: true; readonly result: StackDeployResult }
  | { readonly stackName: string; readonly ok: false; readonly error: unknown };

export async function deployStacks(specs: readonly StackSpec[], onEvent: (event: NamedStackEvent) => void = () => {}): Promise<StackOutcome[]> {
  const settled = await Promise.allSettled(
    specs.map((spec) => deployStack({ ...spec, onEvent: (event) => onEvent({ stackName: spec.stackName, ...event }) })),
  );
  return settled.map((outcome, i) => {
    const stackName = (specs[i] as StackSpec).stackName;
    return outcome.status === 'fulfilled' ? { stackName, ok: true, result: outcome.value } : { stackName, ok: false, error: outcome.reason };
  });
}
