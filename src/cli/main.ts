// The cogcf command line: parses argv with commander, runs one command, and
// turns its outcome into an exit code. This is the only place that renders
// errors and the only place that sets process.exitCode; commands return an
// ExitCode or throw.
import { Command, CommanderError } from 'commander';
import { isCogcfError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createOutput, JSON_SCHEMA_VERSION, type Streams } from '../output.js';
import { packageVersion } from '../package-info.js';
import { bundleCommand, runBundle, type BundleOptions } from './commands/bundle.js';
import { deployCommand, runDeploy, type DeployOptions } from './commands/deploy.js';
import { devCommand, runDev, type DevOptions } from './commands/dev.js';
import { initCommand, runInit } from './commands/init.js';
import { handleOperandsLast, revokeCommand, runRevoke, type RevokeOptions } from './commands/revoke.js';
import { runSessions, sessionsCommand, type SessionsOptions } from './commands/sessions.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the operation failed (for example a build error, or a stack that failed to deploy)
  2    usage or config error: bad flags, or a config file that is missing or invalid (nothing was attempted)
  130  stopped by Ctrl-C (stderr says what, if anything, is still running)

Set --verbose to see stack traces.`;

/** What the error renderer needs to know about the command that was running. */
interface Invocation {
  command: string;
  json: boolean;
  verbose: boolean;
}

// Commander's own errors (unknown option, missing required option, …) are
// usage errors; its help and version "errors" are normal exits.
function fromCommander(e: CommanderError, command: string): ExitCode | UsageError {
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.Success;
  // `cogcf` alone: commander has printed the help to stderr.
  if (e.code === 'commander.help') return ExitCode.Usage;
  const usage = command === 'cogcf' ? 'cogcf --help' : `cogcf ${command} --help`;
  return new UsageError(e.message.replace(/^error: /, ''), { hint: `Run \`${usage}\` for usage.` });
}

function renderError(e: unknown, invocation: Invocation, streams: Streams): ExitCode {
  const known = isCogcfError(e);
  const error = known
    ? { code: e.code, message: e.message, hint: e.hint }
    : {
        code: 'ERR_UNEXPECTED',
        message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'This is a bug in cogcf. Please report it with the output of the same command run with --verbose.',
      };
  streams.stderr.write(`error: ${error.message}\n`);
  if (error.hint !== undefined) streams.stderr.write(`hint: ${error.hint}\n`);
  if (invocation.verbose && e instanceof Error) {
    streams.stderr.write(`${e.stack ?? e.message}\n`);
    if (e.cause !== undefined) streams.stderr.write(`caused by: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}\n`);
  }
  if (invocation.json) {
    const doc = { schemaVersion: JSON_SCHEMA_VERSION, command: invocation.command, ok: false, error };
    streams.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }
  return known ? e.exitCode : ExitCode.Failure;
}

/** Runs cogcf with `argv` (without `node` and the script) and returns the exit code. */
export async function run(argv: readonly string[], streams: Streams): Promise<ExitCode> {
  // Known before parsing, so even a parse error is answered in JSON when asked for.
  const invocation: Invocation = { command: 'cogcf', json: argv.includes('--json'), verbose: argv.includes('--verbose') };
  let exitCode: ExitCode = ExitCode.Success;

  const program = new Command('cogcf')
    .description('Put a Cognito login wall in front of a CloudFront distribution, and keep it healthy.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--verbose', 'show stack traces of errors')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void streams.stdout.write(s),
      writeErr: (s) => void streams.stderr.write(s),
      // Errors are rendered below, with a hint, like every other error.
      outputError: () => {},
    });

  const commands = [
    bundleCommand(program).action(async (options: BundleOptions & { json?: boolean }) => {
      exitCode = await runBundle(options, createOutput(streams, { json: options.json === true }));
    }),
    deployCommand(program).action(async (options: DeployOptions & { json?: boolean }) => {
      exitCode = await runDeploy(options, createOutput(streams, { json: options.json === true }));
    }),
    devCommand(program).action(async (options: DevOptions) => {
      exitCode = await runDev(options, createOutput(streams, { json: false }));
    }),
    initCommand(program).action(runInit),
    sessionsCommand(program).action(async (options: SessionsOptions & { json?: boolean }) => {
      exitCode = await runSessions(options, createOutput(streams, { json: options.json === true }));
    }),
    revokeCommand(program).action(async (handle: string | undefined, options: RevokeOptions & { json?: boolean }) => {
      exitCode = await runRevoke(handle, options, createOutput(streams, { json: options.json === true }));
    }),
  ];
  // The first word that is not an option names the command (no program option takes a value).
  const named = argv.find((arg) => !arg.startsWith('-'));
  if (named !== undefined && commands.some((c) => c.name() === named)) invocation.command = named;

  try {
    await program.parseAsync(invocation.command === 'revoke' ? handleOperandsLast(argv) : argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      const outcome = fromCommander(e, invocation.command);
      return typeof outcome === 'number' ? outcome : renderError(outcome, invocation, streams);
    }
    return renderError(e, invocation, streams);
  }
}

/** The entry the bins call: runs cogcf and sets the process's exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv, { stdout: process.stdout, stderr: process.stderr });
}
