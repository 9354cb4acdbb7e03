// Reads a barrier config file and turns it into the configuration both
// handlers are built with. Every problem is a ConfigError (exit 2) whose
// message names the field, e.g. `cognito.userPoolId: expected …, got "…"`.
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { BarrierConfigSchema } from './barrier-schema.js';
import { resolveBarrierConfig, type ResolvedConfig } from './resolve-config.js';

const FORMAT_HINT = 'The format is described in the README under "Config file"; templates/barrier.example.json is a complete example.';

/** `checker.pathRules[0].prefix`: the path the way users would write it in JavaScript. */
export function fieldPath(issue: v.BaseIssue<unknown>): string {
  const keys = issue.path?.map((item) => item.key) ?? [];
  if (keys.length === 0) return '(the whole file)';
  return keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** Validates a parsed config file; `source` names it in the error. */
export function parseBarrierConfig(value: unknown, source: string): ResolvedConfig {
  const result = v.safeParse(BarrierConfigSchema, value, { abortPipeEarly: true });
  if (!result.success) {
    const lines = result.issues.map((issue) => `  ${fieldPath(issue)}: ${issue.message}`);
    throw new ConfigError('ERR_CONFIG_INVALID', `Invalid barrier config ${source}:\n${lines.join('\n')}`, { hint: FORMAT_HINT });
  }
  return resolveBarrierConfig(result.output);
}

/** ` (line 3, column 7)` for JSON.parse's `at position 42`, where the message does not say it already. */
function jsonErrorLocation(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined || /line \d+/.test(message)) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}

function readError(path: string, e: unknown): ConfigError {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? new ConfigError('ERR_CONFIG_NOT_FOUND', `Config file not found: ${path}`, {
        hint: `Check the path given to --config. ${FORMAT_HINT}`,
        cause: e,
      })
    : new ConfigError('ERR_CONFIG_UNREADABLE', `Cannot read config file ${path}: ${(e as Error).message}`, { cause: e });
}

export async function loadBarrierConfig(path: string): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw readError(path, e);
  }
  // Some editors on Windows start UTF-8 files with a byte order mark.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    throw new ConfigError('ERR_CONFIG_INVALID_JSON', `${path} is not valid JSON: ${message}${jsonErrorLocation(text, message)}`, {
      hint: 'The config file is plain JSON: no comments and no trailing commas.',
      cause: e,
    });
  }
  return parseBarrierConfig(value, path);
}
