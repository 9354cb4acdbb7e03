// Typed errors: every failure a user can meet is a CogcfError with a stable
// `code` scripts can match, a message that says what happened, a hint that
// says what to do, and the exit code it maps to. Anything else that escapes is
// a bug and is rendered as such by src/cli/main.ts.
import { ExitCode } from './exit-codes.js';

export type ErrorCode =
  | 'ERR_USAGE'
  | 'ERR_NOT_AVAILABLE'
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_CONFIG_UNREADABLE'
  | 'ERR_CONFIG_INVALID_JSON'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_BUNDLE_BUILD'
  | 'ERR_BUNDLE_NON_BUILTIN_IMPORT'
  | 'ERR_BUNDLE_TOO_LARGE'
  | 'ERR_OUTPUT_WRITE'
  | 'ERR_SANDBOX_NOT_RUNNING'
  | 'ERR_SESSION_TABLE'
  | 'ERR_AWS_AUTH'
  | 'ERR_AWS_PERMISSION'
  | 'ERR_AWS'
  | 'ERR_DEPLOY_FAILED'
  | 'ERR_INTERRUPTED'
  | 'ERR_DECLINED';

// A brand instead of `instanceof`: the built CLI and code loaded from source
// (tests) may hold two copies of this class.
const BRAND = Symbol.for('cogcf.error');

export interface CogcfErrorOptions {
  readonly hint?: string;
  readonly exitCode?: ExitCode;
  readonly cause?: unknown;
}

export class CogcfError extends Error {
  readonly [BRAND] = true;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: CogcfErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends CogcfError {
  constructor(message: string, options: Omit<CogcfErrorOptions, 'exitCode'> & { readonly code?: ErrorCode } = {}) {
    super(options.code ?? 'ERR_USAGE', message, { ...options, exitCode: ExitCode.Usage });
  }
}

/** A config file that is missing, unreadable or invalid (exit 2). */
export class ConfigError extends CogcfError {
  constructor(code: ErrorCode, message: string, options: Omit<CogcfErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: ExitCode.Usage });
  }
}

export const isCogcfError = (e: unknown): e is CogcfError =>
  typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;

/** Stopped by Ctrl-C (exit 130); the message says what was left as it was, or still running. */
export class InterruptedError extends CogcfError {
  constructor(message: string, options: Omit<CogcfErrorOptions, 'exitCode'> = {}) {
    super('ERR_INTERRUPTED', message, { ...options, exitCode: ExitCode.Interrupted });
  }
}

/** A checkpoint between steps: throws when `signal` (Ctrl-C) has fired. */
export function throwIfInterrupted(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw new InterruptedError(message);
}
