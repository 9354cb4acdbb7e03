// Process exit codes: a contract with scripts and CI, documented in `cogcf --help`.
// Only `src/cli/main.ts` turns them into `process.exitCode`.
export const ExitCode = {
  Success: 0,
  /** The operation was attempted and failed (a build error, a write error, …). */
  Failure: 1,
  /** Bad flags or a bad config file: nothing was attempted. */
  Usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); stderr says what was left running. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
