// The question `cogcf deploy` asks on a terminal when --yes is not given: both
// stacks' change sets (on stderr, with the progress), then deploy or not, no
// by default. Ctrl-C at the question stops like Ctrl-C anywhere else.
import type { Readable, Writable } from 'node:stream';
import { confirm, isCancel } from '@clack/prompts';
import type { ChangeSummary } from '../deploy/change-set.js';
import type { StackPlan } from '../deploy/stack-deploy.js';
import { InterruptedError } from '../errors.js';
import { renderTable } from './render-table.js';

/** One stack's change set as a table, for the question and for `--dry-run`'s result. */
export function renderChangeSet(stackName: string, changes: readonly ChangeSummary[]): string {
  const rows = changes.map((c) => [c.logicalId, c.resourceType, c.action, c.replacement ?? '-']);
  return `Change set of ${stackName}:\n${renderTable([['resource', 'type', 'action', 'replacement'], ...rows])}`;
}

export interface Terminal {
  readonly input: Readable;
  readonly output: Writable;
}

/** Ctrl-C (or Esc, which clack treats alike) at the question, or `signal` firing, is a stop. */
export async function confirmDeploy(plans: readonly StackPlan[], terminal: Terminal, signal?: AbortSignal): Promise<boolean> {
  const sections = plans.map((plan) => (plan.action === 'none' ? `${plan.stackName}: no changes.` : renderChangeSet(plan.stackName, plan.changes)));
  terminal.output.write(`\n${sections.join('\n\n')}\n\n`);
  const answer = await confirm({
    message: `Execute ${plans.filter((p) => p.action !== 'none').length === 1 ? 'this change set' : 'these change sets'}?`,
    initialValue: false,
    input: terminal.input,
    output: terminal.output,
    ...(signal ? { signal } : {}),
  });
  if (isCancel(answer)) throw new InterruptedError('Stopped at the question.');
  return answer;
}
