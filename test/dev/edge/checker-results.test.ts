// What CloudFront does with a viewer-request function's result: requests
// that touch read-only or disallowed headers and malformed responses get a
// 502, a function that throws or runs out of time a 503, and a valid
// generated response goes to the viewer as it is.
import type { CloudFrontHeaders, CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MAX_GENERATED_RESPONSE_BYTES } from '../../../src/dev/edge/edge-response.js';
import { useEdgeWorld } from './harness.js';
import { rawRequest } from '../../support/raw-http.js';

type Checker = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

describe('edge emulator: viewer-request results', () => {
  const world = useEdgeWorld();
  const through = async (checker: Checker, headers: string[] = [], method = 'GET', body?: string) => {
    const edge = await world.start({ checker, timeouts: { checkerMs: 200 } });
    return rawRequest(edge.url, '/page', { method, headers, ...(body === undefined ? {} : { body }) });
  };
  const editing = (edit: (headers: CloudFrontHeaders) => void): Checker =>
    async (event) => {
      const request = event.Records[0]!.cf.request;
      edit(request.headers);
      return request;
    };

  describe('a request that breaks the header rules gets a 502 and never reaches the origin', () => {
    it.each<[string, Checker, string[]?]>([
      ['a changed Host', editing((h) => (h['host'] = [{ key: 'Host', value: 'evil.example' }]))],
      ['a deleted Host', editing((h) => delete h['host'])],
      ['an added Via', editing((h) => (h['via'] = [{ key: 'Via', value: '1.1 me' }]))],
      ['an added Content-Length', editing((h) => (h['content-length'] = [{ key: 'Content-Length', value: '0' }]))],
      ['a changed Transfer-Encoding', editing((h) => (h['transfer-encoding'] = [{ key: 'Transfer-Encoding', value: 'gzip' }])), ['Transfer-Encoding', 'chunked']],
      ['an added disallowed header (Connection)', editing((h) => (h['connection'] = [{ key: 'Connection', value: 'close' }]))],
      ['an added disallowed header (X-Amz-Cf-Id)', editing((h) => (h['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: 'forged' }]))],
      ['an added disallowed header (X-Edge-*)', editing((h) => (h['x-edge-origin'] = [{ value: 'x' }]))],
      ['an upper-case header name', editing((h) => (h['X-Upper'] = [{ key: 'X-Upper', value: 'x' }]))],
      ['a key that names another header', editing((h) => (h['x-a'] = [{ key: 'X-B', value: 'x' }]))],
      ['a value that is not a string', editing((h) => (h['x-a'] = [{ key: 'X-A', value: 1 as unknown as string }]))],
      ['a value with a line break', editing((h) => (h['x-a'] = [{ key: 'X-A', value: 'a\r\nInjected: yes' }]))],
      ['a header that is not an array', editing((h) => ((h as Record<string, unknown>)['x-a'] = { value: 'x' }))],
      ['nothing returned', async () => undefined],
      ['null returned', async () => null],
    ])('%s', async (_, checker, headers) => {
      const reply = await through(checker, headers, headers ? 'POST' : 'GET', headers ? 'body' : undefined);
      expect(reply.status).toBe(502);
      expect(reply.text).toContain('The Lambda function result failed validation');
      expect(reply.values('x-cache')).toEqual(['Error from cloudfront']);
      expect(world.origin.requests).toHaveLength(0);
      expect(world.logs.join('\n')).toMatch(/→ 502 \[default\] \(checker result failed validation: .+\)/);
    });
  });

  it('lets a function read the read-only headers and pass them on unchanged', async () => {
    const reply = await through(
      editing((h) => {
        h['host'] = h['host']!.map((e) => ({ ...e }));
        h['x-seen-host'] = [{ key: 'X-Seen-Host', value: h['host']![0]!.value }];
      }),
      ['Host', 'app.example.com', 'Via', '1.1 proxy'],
    );
    expect(reply.status).toBe(200);
    expect(world.origin.requests[0]!.values('x-seen-host')).toEqual(['app.example.com']);
  });

  it('sends a valid generated response as given: status text, repeated headers, base64 body', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const reply = await through(async () => ({
      status: '418',
      statusDescription: "I'm a teapot",
      headers: {
        'set-cookie': [
          { key: 'Set-Cookie', value: 'a=1; Path=/' },
          { key: 'Set-Cookie', value: 'b=2; Path=/' },
        ],
        'content-type': [{ value: 'image/png' }],
      },
      bodyEncoding: 'base64',
      body: png.toString('base64'),
    }));
    expect(reply.status).toBe(418);
    expect(reply.statusMessage).toBe("I'm a teapot");
    expect(reply.values('set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(reply.values('content-type')).toEqual(['image/png']);
    expect(reply.body.equals(png)).toBe(true);
    expect(reply.values('x-cache')).toEqual(['LambdaGeneratedResponse from cloudfront']);
    expect(world.origin.requests).toHaveLength(0);
  });

  it('sends a 204 without a body', async () => {
    const reply = await through(async () => ({ status: '204' }));
    expect(reply.status).toBe(204);
    expect(reply.body.length).toBe(0);
  });

  describe('a malformed generated response gets a 502', () => {
    it.each<[string, unknown]>([
      ['a numeric status', { status: 302 }],
      ['a status below 200', { status: '199' }],
      ['a status above 599', { status: '600' }],
      ['a status that is not a number', { status: 'OK' }],
      ['a 204 with a body', { status: '204', body: 'content' }],
      ['a body that is not valid base64', { status: '200', bodyEncoding: 'base64', body: 'not base64!' }],
      ['an unknown body encoding', { status: '200', bodyEncoding: 'gzip', body: 'x' }],
      ['a body that is not a string', { status: '200', body: { json: true } }],
      ['a status description with a line break', { status: '200', statusDescription: 'OK\r\nX: y' }],
      ['headers that are not an object', { status: '200', headers: [] }],
      ['an upper-case header name', { status: '200', headers: { Location: [{ value: '/' }] } }],
      ['a Content-Length header', { status: '200', headers: { 'content-length': [{ value: '1' }] } }],
      ['a disallowed header', { status: '200', headers: { 'x-cache': [{ value: 'Hit' }] } }],
    ])('%s', async (_, response) => {
      const reply = await through(async () => response as CloudFrontResultResponse);
      expect(reply.status).toBe(502);
      expect(reply.text).toContain('The Lambda function result failed validation');
    });
  });

  describe('the 40 KB limit on a generated response counts headers and body', () => {
    const headers = { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }] };
    const headerBytes = Buffer.byteLength('Content-Type: text/plain\r\n');
    const ofSize = (bodyBytes: number): Checker => async () => ({ status: '200', headers, body: 'é'.repeat(bodyBytes / 2) });

    it('sends one that is exactly at the limit', async () => {
      const reply = await through(ofSize(MAX_GENERATED_RESPONSE_BYTES - headerBytes));
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBe(MAX_GENERATED_RESPONSE_BYTES - headerBytes);
    });

    it('refuses one two bytes over it', async () => {
      const reply = await through(ofSize(MAX_GENERATED_RESPONSE_BYTES - headerBytes + 2));
      expect(reply.status).toBe(502);
      expect(reply.text).toContain(`at most ${MAX_GENERATED_RESPONSE_BYTES} are allowed`);
    });
  });

  describe('a function that fails gets a 503', () => {
    it.each<[string, Checker]>([
      ['it rejects', async () => Promise.reject(new Error('boom'))],
      ['it throws before returning a promise', (() => {
        throw new Error('sync boom');
      }) as Checker],
      ['it never answers within its time limit', () => new Promise(() => {})],
    ])('%s', async (_, checker) => {
      const reply = await through(checker);
      expect(reply.status).toBe(503);
      expect(reply.text).toContain('The Lambda function associated with the CloudFront distribution');
      expect(reply.values('x-cache')).toEqual(['Error from cloudfront']);
      expect(world.origin.requests).toHaveLength(0);
    });
  });
});
