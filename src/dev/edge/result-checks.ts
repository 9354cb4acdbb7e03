// Small checks shared by the validators of function results.
import { validateHeaderName, validateHeaderValue } from 'node:http';

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether Node would write this header (a token name; a value without CR, LF or NUL). */
export function isWritableHeader(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}
