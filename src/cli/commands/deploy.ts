// `cogcf deploy --config <file> --yes`: builds both functions from the barrier
// config, uploads them, and deploys the manager stack (the config's table
// region) and the checker stack (us-east-1) in parallel, streaming their
// events to stderr. `--dry-run` shows the change sets instead.
// `--from-assembly` takes the 2019 barrier's assembly.yaml in place of --config.
import type { Command } from 'commander';
import { loadBarrierConfig } from '../../config/barrier-config.js';
import { loadAssembly } from '../../config/from-assembly.js';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { deployBarrier, type BarrierDeployment, type DeployedStack } from '../../deploy/deploy-barrier.js';
import { DEFAULT_STACK_PREFIX, isStackPrefix, MAX_STACK_PREFIX_LENGTH } from '../../deploy/stack-prefix.js';
import type { NamedStackEvent } from '../../deploy/deploy-stacks.js';
import { StackDeployError, type StackPlan } from '../../deploy/stack-deploy.js';
import { isCogcfError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { JSON_SCHEMA_VERSION, type Output } from '../../output.js';
import { confirmDeploy, renderChangeSet } from '../confirm-deploy.js';
import { renderTable } from '../render-table.js';

export interface DeployOptions {
  readonly config?: string;
  readonly fromAssembly?: string;
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly stackPrefix?: string;
}

const USAGE_HINT = 'Run `cogcf deploy --help` for usage.';

/** Adds `deploy` to `program`; the caller attaches the action. */
export function deployCommand(program: Command): Command {
  return program
    .command('deploy')
    .description('Deploy the barrier: the manager stack in the session table region and the checker stack in us-east-1.')
    .option('--config <file>', 'barrier config file (JSON); see templates/barrier.example.json')
    .option('--from-assembly <file>', "the 2019 barrier's assembly.yaml, converted (instead of --config)")
    .option('--yes', 'deploy without asking (needed when there is no terminal to ask on)')
    .option('--dry-run', "show each stack's change set and change no stack (the bundles are still uploaded)")
    .option(
      '--stack-prefix <prefix>',
      `stacks are named <prefix>-manager and <prefix>-checker (default: "${DEFAULT_STACK_PREFIX}", or the assembly's StacksPrefix)`,
    )
    .option('--json', 'print the result as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Uses the AWS credentials and settings of the environment (AWS_PROFILE, AWS_ENDPOINT_URL, …).
Both stacks are planned before either is executed. Without --yes, on a terminal, both change
sets are shown and you are asked (no by default); without a terminal, --yes is needed.
Stack events are streamed to stderr; the result (each stack's action and outputs) goes to stdout.
A stack that fails is rolled back by CloudFormation and named with its first failing resource;
the other stack's result is still reported, and the exit code is 1.

Ctrl-C stops at the next safe point (exit 130): a change set not yet executed is deleted, so
that stack is unchanged; a stack CloudFormation is already changing carries on, and cogcf
says how to follow it or roll it back. A second Ctrl-C quits at once.

Give exactly one of --config and --from-assembly. An assembly's settings that cogcf does
differently (cookie name, profile, buckets, attributes) are listed on stderr, not applied,
followed by the converted barrier config to save and use with --config from then on.

Examples:
  cogcf deploy --config barrier.json --dry-run
  cogcf deploy --config barrier.json --yes --json
  cogcf deploy --from-assembly assembly.yaml --dry-run`,
    );
}

type ConfigSource = { readonly kind: 'config' | 'assembly'; readonly path: string };

function configSourceOf(options: DeployOptions): ConfigSource {
  if (options.config !== undefined && options.fromAssembly !== undefined) {
    throw new UsageError('give either --config <file> or --from-assembly <file>, not both', { hint: USAGE_HINT });
  }
  if (options.config !== undefined) return { kind: 'config', path: options.config };
  if (options.fromAssembly !== undefined) return { kind: 'assembly', path: options.fromAssembly };
  throw new UsageError('missing --config <file> (or --from-assembly <file>)', { hint: USAGE_HINT });
}

function checkStackPrefix(stackPrefix: string): string {
  if (!isStackPrefix(stackPrefix)) {
    throw new UsageError(`--stack-prefix "${stackPrefix}" is not usable in a stack name: start with a letter, then letters, digits and "-" (at most ${MAX_STACK_PREFIX_LENGTH})`, {
      hint: USAGE_HINT,
    });
  }
  return stackPrefix;
}

/** On a terminal, without --yes, the plans are shown and the user is asked; elsewhere --yes is needed. */
const canAsk = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

function checkOptions(options: DeployOptions): ConfigSource {
  const source = configSourceOf(options);
  if (options.yes !== true && options.dryRun !== true && !canAsk()) {
    throw new UsageError('deploying without a terminal to ask on needs --yes', {
      hint: 'Add --yes to deploy, or --dry-run to see the change sets first.',
    });
  }
  if (options.stackPrefix !== undefined) checkStackPrefix(options.stackPrefix);
  return source;
}

/** The config to deploy and the stack prefix: an explicit --stack-prefix wins over the assembly's. */
async function loadConfig(source: ConfigSource, options: DeployOptions, out: Output): Promise<{ config: ResolvedConfig; stackPrefix: string }> {
  if (source.kind === 'config') return { config: await loadBarrierConfig(source.path), stackPrefix: options.stackPrefix ?? DEFAULT_STACK_PREFIX };
  const assembly = await loadAssembly(source.path, options.stackPrefix);
  for (const note of assembly.notes) out.log(`note: ${note}`);
  out.log(`Converted barrier config (save it, e.g. as barrier.json, and deploy with --config from now on):\n${JSON.stringify(assembly.barrierConfig, null, 2)}`);
  return { config: assembly.config, stackPrefix: checkStackPrefix(assembly.stackPrefix) };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const progressLine = (e: NamedStackEvent): string =>
  `+${seconds(e.elapsedMs)} ${e.stackName} ${e.logicalId} (${e.type}) ${e.status}${e.reason === undefined ? '' : `: ${e.reason}`}`;

/** A failed stack, as both outputs show it. */
function failureOf(error: unknown): { code: string; message: string; hint?: string; failedResource?: { logicalId: string; type: string; status: string; reason: string } } {
  if (!isCogcfError(error)) return { code: 'ERR_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
  const failed = error instanceof StackDeployError ? error.failedResource : undefined;
  return {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(failed === undefined
      ? {}
      : {
          failedResource: {
            logicalId: failed.LogicalResourceId ?? '?',
            type: failed.ResourceType ?? '?',
            status: failed.ResourceStatus ?? '?',
            reason: failed.ResourceStatusReason ?? '',
          },
        }),
  };
}

function stackJson({ role, region, outcome }: DeployedStack): object {
  const base = { stackName: outcome.stackName, role, region, ok: outcome.ok };
  if (!outcome.ok) return { ...base, error: failureOf(outcome.error) };
  const { action, status, changes, outputs } = outcome.result;
  return { ...base, action, status, changes, outputs };
}

function renderHuman(deployment: BarrierDeployment, dryRun: boolean): string {
  const summary = renderTable([
    ['stack', 'region', dryRun ? 'would' : 'action', 'status'],
    ...deployment.stacks.map(({ region, outcome }) =>
      outcome.ok
        ? [outcome.stackName, region, outcome.result.action, outcome.result.status]
        : [outcome.stackName, region, notRun(outcome.error), '-'],
    ),
  ]);
  const sections = [summary];
  for (const { outcome } of deployment.stacks) {
    if (!outcome.ok) continue;
    const { changes, outputs } = outcome.result;
    if (dryRun && changes.length > 0) sections.push(renderChangeSet(outcome.stackName, changes));
    const entries = Object.entries(outputs);
    if (!dryRun) {
      sections.push(
        entries.length === 0
          ? `Outputs of ${outcome.stackName}: none reported`
          : `Outputs of ${outcome.stackName}:\n${renderTable([['output', 'value'], ...entries.map(([k, v]) => [k, v])])}`,
      );
    }
  }
  return sections.join('\n\n');
}

/** Ctrl-C: the first stops the deploy at its next checkpoint, a second quits at once. */
function stopOnCtrlC(log: (line: string) => void): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      // Node's own handling: the process ends by the signal (exit status 130 in shells).
      process.off('SIGINT', onSignal);
      process.kill(process.pid, 'SIGINT');
      return;
    }
    controller.abort();
    log(
      'Stopping: change sets not yet executed are deleted (once CloudFormation has finished planning them), and a stack CloudFormation is already changing carries on. Ctrl-C again quits at once and leaves what is in flight.',
    );
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSignal) };
}

const isInterrupted = (error: unknown): boolean => isCogcfError(error) && error.code === 'ERR_INTERRUPTED';

/** The action column of a stack that did not deploy. */
const notRun = (error: unknown): string => (isInterrupted(error) ? 'stopped' : isCogcfError(error) && error.code === 'ERR_DECLINED' ? 'declined' : 'failed');

export async function runDeploy(options: DeployOptions, out: Output): Promise<ExitCode> {
  const source = checkOptions(options);
  const dryRun = options.dryRun === true;
  const { config, stackPrefix } = await loadConfig(source, options, out);
  const ask = !dryRun && options.yes !== true;
  if (!dryRun) out.log(ask ? 'Planning both stacks; you will be asked before anything is executed.' : 'Deploying (auto-confirmed by --yes).');

  const ctrlC = stopOnCtrlC(out.log);
  let deployment: BarrierDeployment;
  try {
    deployment = await deployBarrier({
      config,
      stackPrefix,
      dryRun,
      log: out.log,
      onEvent: (e) => out.log(progressLine(e)),
      signal: ctrlC.signal,
      ...(ask ? { confirm: (plans: readonly StackPlan[]) => confirmDeploy(plans, { input: process.stdin, output: process.stderr }, ctrlC.signal) } : {}),
    });
  } finally {
    ctrlC.dispose();
  }

  const failed = deployment.stacks.filter((s) => !s.outcome.ok);
  if (dryRun && failed.length === 0) {
    out.log('Dry run: no stack was changed (the bundles were uploaded to the artifact buckets; their keys are content hashes).');
  }
  for (const { outcome } of failed) {
    if (outcome.ok) continue;
    const failure = failureOf(outcome.error);
    out.log(`error: ${failure.message}`);
    if (failure.hint !== undefined) out.log(`hint: ${failure.hint}`);
  }
  out.result(renderHuman(deployment, dryRun), {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'deploy',
    ok: failed.length === 0,
    dryRun,
    accountId: deployment.accountId,
    artifacts: deployment.artifacts,
    stacks: deployment.stacks.map(stackJson),
  });
  if (failed.some((s) => !s.outcome.ok && isInterrupted(s.outcome.error))) return ExitCode.Interrupted;
  return failed.length === 0 ? ExitCode.Success : ExitCode.Failure;
}
