// `cogcf bundle --config <file> --out <dir>`: validates the barrier config and
// builds both functions with it, for anyone who deploys them with their own
// infrastructure code (Terraform, CDK, SAM…).
import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildBarrier, formatBytes } from '../../bundle/build-barrier.js';
import type { BuiltFunction } from '../../bundle/build-functions.js';
import { loadBarrierConfig } from '../../config/barrier-config.js';
import { ConfigError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { JSON_SCHEMA_VERSION, type Output } from '../../output.js';
import { renderTable } from '../render-table.js';

export interface BundleOptions {
  readonly config?: string;
  readonly out?: string;
}

/** Adds `bundle` to `program`; the caller attaches the action. */
export function bundleCommand(program: Command): Command {
  return program
    .command('bundle')
    .description('Build the session checker and the session manager with your config baked in, as deployable zips.')
    // Checked in runBundle, not by commander: commander reports a missing
    // required option before an unknown one, so `--confg` would read "--config missing".
    .option('--config <file>', 'barrier config file (JSON); see templates/barrier.example.json (required)')
    .option('--out <dir>', 'directory to write checker/, manager/, checker.zip and manager.zip into, created if missing (required)')
    .option('--json', 'print the result as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Writes:
  <dir>/checker/index.js (+ index.js.map)   Lambda@Edge viewer-request handler (CommonJS, exports handler)
  <dir>/manager/index.js (+ index.js.map)   session manager handler for /_identity/* (CommonJS, exports handler)
  <dir>/checker.zip, <dir>/manager.zip      byte-for-byte reproducible: same code and config, same SHA-256

Example:
  cogcf bundle --config barrier.json --out build/barrier --json`,
    );
}

/** A path as short as it can be while still correct from the current directory. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function renderResult(built: readonly BuiltFunction[]): string {
  const header = ['function', 'raw bytes', 'gzip bytes', 'zip bytes', 'zip', 'zip sha256'];
  const rows = built.map((f) => [f.name, formatBytes(f.bytes), formatBytes(f.gzipBytes), formatBytes(f.zipBytes), displayPath(f.zipPath), f.sha256]);
  return renderTable([header, ...rows], new Set([1, 2, 3]));
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`missing ${flag}`, { hint: 'Run `cogcf bundle --help` for usage.' });
  return value;
}

export async function runBundle(options: BundleOptions, out: Output): Promise<ExitCode> {
  const configPath = required(options.config, '--config <file>');
  const outDir = required(options.out, '--out <dir>');
  const config = await loadBarrierConfig(configPath);
  // Only `cogcf deploy` supplies the app client itself.
  if (config.manager.cognito.clientId === '') {
    throw new ConfigError('ERR_CONFIG_INVALID', `Invalid barrier config ${configPath}:\n  cognito.clientId: required for cogcf bundle`, {
      hint: 'Give the id of your app client (public, code flow with PKCE). `cogcf deploy` needs none: its manager stack creates the app client.',
    });
  }
  out.log(`Config ${displayPath(resolve(configPath))} is valid.`);
  const built = await buildBarrier(config, outDir, out.log);
  out.result(renderResult(built), {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'bundle',
    ok: true,
    functions: built,
  });
  return ExitCode.Success;
}
