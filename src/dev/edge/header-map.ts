// The `headers` object of a Lambda@Edge result, checked the way CloudFront
// checks it: lower-case names mapping to arrays of `{key?, value}` with string
// values, a `key` that spells the same name, nothing a HTTP message cannot
// carry, and no disallowed header.
import type { CloudFrontHeaders } from 'aws-lambda';
import { isDisallowedHeader } from './edge-headers.js';
import { InvalidResultError } from './edge-failures.js';
import type { HeaderLine } from './header-lines.js';
import { isRecord, isWritableHeader } from './result-checks.js';

/** `headers` as a valid header map; throws InvalidResultError naming the first broken rule. */
export function validHeaderMap(headers: unknown): CloudFrontHeaders {
  if (!isRecord(headers)) throw new InvalidResultError('headers must be an object');
  const valid: CloudFrontHeaders = {};
  for (const [name, entries] of Object.entries(headers)) {
    if (name !== name.toLowerCase()) throw new InvalidResultError(`header name "${name}" must be lower case`);
    if (!isWritableHeader(name, '')) throw new InvalidResultError(`"${name}" is not a valid header name`);
    if (isDisallowedHeader(name)) throw new InvalidResultError(`the function tried to add a disallowed header (${name})`);
    if (!Array.isArray(entries)) throw new InvalidResultError(`headers["${name}"] must be an array`);
    valid[name] = entries.map((entry: unknown) => {
      if (!isRecord(entry) || typeof entry.value !== 'string') throw new InvalidResultError(`every headers["${name}"] entry needs a string value`);
      const { key, value } = entry;
      if (key !== undefined && (typeof key !== 'string' || key.toLowerCase() !== name)) {
        throw new InvalidResultError(`headers["${name}"] has the key ${JSON.stringify(key)}, which names another header`);
      }
      if (!isWritableHeader(name, value)) throw new InvalidResultError(`headers["${name}"] has a value with invalid characters`);
      return key === undefined ? { value } : { key, value };
    });
  }
  return valid;
}

/** Without a `key`, CloudFront writes the name in Title-Case. */
const titleCase = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/** The map as header lines, in order, with each entry's spelling. */
export const headerLinesOf = (headers: CloudFrontHeaders): HeaderLine[] =>
  Object.entries(headers).flatMap(([name, entries]) => entries.map(({ key, value }): HeaderLine => [key ?? titleCase(name), value]));

/** Whether two maps hold the same values for `name`, in the same order. */
export const sameValues = (a: CloudFrontHeaders, b: CloudFrontHeaders, name: string): boolean => {
  const x = a[name] ?? [];
  const y = b[name] ?? [];
  return x.length === y.length && x.every((entry, i) => entry.value === y[i]?.value);
};
