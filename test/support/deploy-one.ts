// One stack through the engine's steps, the way deployStacks takes each:
// plan, then execute, or on a dry run report the plan and discard it. The
// engine's single-stack tests drive it through this.
import {
  discardStackPlan,
  dryRunResult,
  executeStackPlan,
  planStack,
  type DeployStackOptions,
  type StackDeployResult,
} from '../../src/deploy/stack-deploy.js';

export async function deployStack(options: DeployStackOptions & { readonly dryRun?: boolean }): Promise<StackDeployResult> {
  const plan = await planStack(options);
  if (!options.dryRun) return executeStackPlan(options, plan);
  await discardStackPlan(options, plan);
  return dryRunResult(plan);
}
