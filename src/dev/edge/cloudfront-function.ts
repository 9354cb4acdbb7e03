// A CloudFront Function (runtime cloudfront-js-2.0) on a behaviour's viewer
// request, as the emulator runs it: the code is compiled once in its own V8
// context, with none of Node's globals (CloudFront's runtime has no require,
// process or timers either), and gets CloudFront's event shape for the
// method, URI and headers (names in lower case, each `{ value, multiValue? }`,
// cookies kept apart and passed on as they were). Query string and cookies
// are not given to the function, and only header changes are taken from its
// result: cogcf's function reads and changes nothing else.
import { createContext, Script } from 'node:vm';
import { loadTemplate } from '../../templates/load-template.js';
import type { HeaderLine } from './header-lines.js';
import type { ViewerRequest } from './viewer.js';

interface FunctionHeader {
  value: string;
  multiValue?: { value: string }[];
}

/** The viewer's header lines after the function ran; it throws when the function does. */
export type CloudFrontFunction = (viewer: ViewerRequest, requestId: string) => HeaderLine[];

/** CloudFront stops a function that exceeds its compute budget; this is far above what ours needs. */
const BUDGET_MS = 50;

function toFunctionHeaders(lines: readonly HeaderLine[]): Record<string, FunctionHeader> {
  const headers: Record<string, FunctionHeader> = {};
  for (const [name, value] of lines) {
    const key = name.toLowerCase();
    const seen = headers[key];
    if (seen === undefined) headers[key] = { value };
    else (seen.multiValue ??= [{ value: seen.value }]).push({ value });
  }
  return headers;
}

function fromFunctionHeaders(headers: unknown): HeaderLine[] {
  if (typeof headers !== 'object' || headers === null) throw new TypeError('the function returned a request without headers');
  return Object.entries(headers as Record<string, FunctionHeader>).flatMap(([name, header]): HeaderLine[] =>
    header.multiValue ? header.multiValue.map(({ value }) => [name, value]) : [[name, header.value]],
  );
}

/** Compiles `code`, which defines `handler(event)` and returns the request. */
export function compileCloudFrontFunction(code: string): CloudFrontFunction {
  const context = createContext({});
  const handler = new Script(`${code}\n;handler`, { filename: 'cloudfront-function.js' }).runInContext(context) as (event: unknown) => unknown;
  const call = new Script('handler(event)');
  return (viewer, requestId) => {
    const isCookie = ([name]: HeaderLine) => name.toLowerCase() === 'cookie';
    context.handler = handler;
    context.event = {
      version: '1.0',
      context: { eventType: 'viewer-request', requestId },
      viewer: { ip: viewer.clientIp },
      request: { method: viewer.method, uri: viewer.path, headers: toFunctionHeaders(viewer.headerLines.filter((line) => !isCookie(line))) },
    };
    const result = call.runInContext(context, { timeout: BUDGET_MS }) as { headers?: unknown } | null;
    return [...fromFunctionHeaders(result?.headers), ...viewer.headerLines.filter(isCookie)];
  };
}

/** The checker stack's function for the `/_identity/*` behaviour: the deployed code itself. */
export function viewerHostFunction(): CloudFrontFunction {
  const code = loadTemplate('checker').Resources.ViewerHostFunction?.Properties?.FunctionCode;
  if (typeof code !== 'string') throw new Error('templates/checker-stack.yaml has no ViewerHostFunction code');
  return compileCloudFrontFunction(code);
}
