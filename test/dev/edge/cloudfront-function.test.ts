// The /_identity/* behaviour's CloudFront Function, run from the checker
// stack template as deployed, and the runner that gives it CloudFront's event.
import { describe, expect, it } from 'vitest';
import { compileCloudFrontFunction, viewerHostFunction } from '../../../src/dev/edge/cloudfront-function.js';
import type { HeaderLine } from '../../../src/dev/edge/header-lines.js';
import type { ViewerRequest } from '../../../src/dev/edge/viewer.js';

const viewer = (headerLines: HeaderLine[]): ViewerRequest => ({ method: 'GET', path: '/_identity/login', query: 'path=%2F', clientIp: '192.0.2.1', headerLines });

describe("the checker stack's viewer-host function", () => {
  const run = viewerHostFunction();

  it('hands the viewer host to the manager as x-forwarded-host', () => {
    const lines = run(viewer([['Host', 'docs.example.com'], ['Accept', 'text/html']]), 'req-1');
    expect(lines).toEqual([
      ['host', 'docs.example.com'],
      ['accept', 'text/html'],
      ['x-forwarded-host', 'docs.example.com'],
    ]);
  });

  it("overwrites a visitor's own X-Forwarded-Host, keeps repeated headers, and passes cookies on untouched", () => {
    const lines = run(
      viewer([
        ['Host', 'docs.example.com'],
        ['X-Forwarded-Host', 'evil.example'],
        ['Cookie', 'a=1'],
        ['X-Dup', 'one'],
        ['Cookie', 'b=2'],
        ['X-Dup', 'two'],
      ]),
      'req-2',
    );
    expect(lines.filter(([name]) => name === 'x-forwarded-host')).toEqual([['x-forwarded-host', 'docs.example.com']]);
    expect(lines.filter(([name]) => name === 'x-dup')).toEqual([
      ['x-dup', 'one'],
      ['x-dup', 'two'],
    ]);
    expect(lines.filter(([name]) => name === 'Cookie')).toEqual([
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ]);
  });
});

describe('compileCloudFrontFunction', () => {
  it("gives the function CloudFront's event, and none of Node's globals", () => {
    const run = compileCloudFrontFunction(`
      function handler(event) {
        var r = event.request;
        r.headers['x-seen'] = { value: [event.version, event.context.eventType, event.context.requestId, event.viewer.ip, r.method, r.uri].join(' ') };
        r.headers['x-globals'] = { value: [typeof require, typeof process, typeof setTimeout].join(' ') };
        return r;
      }`);
    const lines = Object.fromEntries(run(viewer([['Host', 'a.example']]), 'req-3'));
    expect(lines['x-seen']).toBe('1.0 viewer-request req-3 192.0.2.1 GET /_identity/login');
    expect(lines['x-globals']).toBe('undefined undefined undefined');
  });

  it('throws when the function throws, returns no request, or runs past its budget', () => {
    const request = viewer([['Host', 'a.example']]);
    expect(() => compileCloudFrontFunction('function handler() { throw new Error("boom"); }')(request, 'r')).toThrow('boom');
    expect(() => compileCloudFrontFunction('function handler() { return undefined; }')(request, 'r')).toThrow(/without headers/);
    expect(() => compileCloudFrontFunction('function handler() { for (;;) {} }')(request, 'r')).toThrow(/timed out/);
  });
});
