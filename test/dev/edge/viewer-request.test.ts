// The default behaviour: what the viewer-request function is given, and what
// reaches the origin once it lets a request through.
import type { CloudFrontRequest } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../../runtime/checker/checker.js';
import { checkerConfig } from '../../fixtures/checker/events.js';
import { useEdgeWorld } from './harness.js';
import { rawRequest, unusedPort } from '../../support/raw-http.js';

const COOKIE = '__Host-cogcf-session';

describe('edge emulator: viewer-request events and forwarding', () => {
  const world = useEdgeWorld();

  it('gives the checker the documented event: raw uri and query, header arrays with their spelling, Cookie lines apart', async () => {
    const edge = await world.start({ distributionDomainName: 'dtest.cloudfront.net' });
    const reply = await rawRequest(edge.url, '/docs/a%20b%2Fc?q=a%20b&plus=1+2&flag&x=%E2%9C%93', {
      headers: ['Host', 'app.example.com', 'Cookie', 'theme=dark; a=1', 'cookie', 'lang=en', 'User-Agent', 'edge-test', 'X-Custom', 'one', 'x-custom', 'two'],
    });
    expect(reply.status).toBe(200);
    expect(edge.calls.checker).toHaveLength(1);
    const { config, request } = edge.calls.checker[0]!.Records[0]!.cf;
    expect(config).toEqual({
      distributionDomainName: 'dtest.cloudfront.net',
      distributionId: expect.any(String),
      eventType: 'viewer-request',
      requestId: reply.values('x-amz-cf-id')[0],
    });
    expect(request.uri).toBe('/docs/a%20b%2Fc');
    expect(request.querystring).toBe('q=a%20b&plus=1+2&flag&x=%E2%9C%93');
    expect(request.method).toBe('GET');
    expect(request.clientIp).toBe('127.0.0.1');
    expect(request.body).toBeUndefined();
    expect(request.headers['cookie']).toEqual([
      { key: 'Cookie', value: 'theme=dark; a=1' },
      { key: 'cookie', value: 'lang=en' },
    ]);
    expect(request.headers['host']).toEqual([{ key: 'Host', value: 'app.example.com' }]);
    expect(request.headers['x-custom']).toEqual([
      { key: 'X-Custom', value: 'one' },
      { key: 'x-custom', value: 'two' },
    ]);
    expect(Object.keys(request.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('never shows the function disallowed headers, and sends none of them to the origin', async () => {
    const edge = await world.start();
    const reply = await rawRequest(edge.url, '/', {
      headers: [
        'Keep-Alive', 'timeout=5', 'Proxy-Authorization', 'Basic eDp5', 'X-Forwarded-Proto', 'https', 'X-Real-IP', '10.0.0.1',
        'X-Amz-Cf-Id', 'spoofed', 'X-Edge-Location', 'FRA', 'X-Cache', 'Hit from cloudfront', 'TE', 'trailers', 'X-Kept', 'yes',
      ],
    });
    expect(reply.status).toBe(200);
    const names = Object.keys(edge.calls.checker[0]!.Records[0]!.cf.request.headers);
    expect(names).toContain('x-kept');
    for (const name of ['connection', 'keep-alive', 'proxy-authorization', 'x-forwarded-proto', 'x-real-ip', 'x-amz-cf-id', 'x-edge-location', 'x-cache', 'te']) {
      expect(names).not.toContain(name);
    }
    const forwarded = world.origin.requests[0]!;
    expect(forwarded.values('x-kept')).toEqual(['yes']);
    for (const name of ['proxy-authorization', 'x-forwarded-proto', 'x-real-ip', 'x-edge-location', 'x-cache', 'te']) {
      expect(forwarded.values(name)).toEqual([]);
    }
    expect(forwarded.values('x-amz-cf-id')).toEqual(reply.values('x-amz-cf-id'));
  });

  it("forwards the checker's changes to uri, query and headers, with CloudFront's Host, Via and X-Forwarded-For", async () => {
    const edge = await world.start({
      checker: async (event) => {
        const request = event.Records[0]!.cf.request;
        request.uri = '/rewritten';
        request.querystring = 'b=2&a=%20';
        request.headers['x-barrier-user-email'] = [{ key: 'X-Barrier-User-Email', value: 'alice@example.com' }];
        request.headers['x-added-without-key'] = [{ value: 'v' }];
        delete request.headers['x-drop-me'];
        return request;
      },
    });
    const reply = await rawRequest(edge.url, '/original?a=1', {
      headers: ['Host', 'app.example.com', 'X-Drop-Me', 'gone', 'X-Forwarded-For', '198.51.100.7', 'Via', '1.1 corporate-proxy'],
    });
    expect(reply.text).toBe('from the origin');
    expect(reply.values('x-cache')).toEqual(['Miss from cloudfront']);
    expect(reply.values('via')[0]).toMatch(/\(CloudFront\)$/);
    const forwarded = world.origin.requests[0]!;
    expect(forwarded.url).toBe('/rewritten?b=2&a=%20');
    expect(forwarded.values('x-barrier-user-email')).toEqual(['alice@example.com']);
    expect(forwarded.rawHeaders).toContain('X-Added-Without-Key');
    expect(forwarded.values('x-drop-me')).toEqual([]);
    expect(forwarded.values('host')).toEqual([new URL(world.origin.url).host]);
    expect(forwarded.values('x-forwarded-for')).toEqual(['198.51.100.7, 127.0.0.1']);
    expect(forwarded.values('via')).toEqual([expect.stringMatching(/^1\.1 corporate-proxy, 1\.1 .+ \(CloudFront\)$/)]);
  });

  it("runs the real checker: our cookie and spoofed identity headers never reach the origin, other cookies do", async () => {
    const checker = createChecker(checkerConfig({ name: 'unused', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }));
    const edge = await world.start({ checker });
    const reply = await rawRequest(edge.url, '/assets/app.js', {
      headers: ['Cookie', `theme=dark; ${COOKIE}=stolen`, 'Cookie', `${COOKIE}-login=x; lang=en`, 'X-Barrier-User-Email', 'mallory@example.com', 'x_barrier_groups', 'admins'],
    });
    expect(reply.status).toBe(200);
    const forwarded = world.origin.requests[0]!;
    expect(forwarded.values('cookie')).toEqual(['theme=dark; lang=en']);
    expect(forwarded.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))).not.toContain('x-barrier-user-email');
    expect(forwarded.rawHeaders.join('\n')).not.toMatch(/barrier.groups/i);
  });

  it("sends an anonymous viewer to the login page with the real checker's generated redirect", async () => {
    const checker = createChecker(checkerConfig({ name: 'unused', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }));
    const edge = await world.start({ checker });
    const reply = await rawRequest(edge.url, '/reports/q2?tab=summary');
    expect(reply.status).toBe(302);
    expect(reply.statusMessage).toBe('Found');
    expect(reply.values('location')).toEqual([`/_identity/login?path=${encodeURIComponent('/reports/q2?tab=summary')}`]);
    expect(reply.values('x-cache')).toEqual(['LambdaGeneratedResponse from cloudfront']);
    expect(world.origin.requests).toHaveLength(0);
  });

  it('streams request and response bodies through, keeping several Set-Cookie lines apart', async () => {
    const edge = await world.start();
    world.origin.respond = (req, res, body) => {
      res.writeHead(201, 'Made', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'application/octet-stream']);
      res.end(Buffer.concat([Buffer.from(req.method + ':'), body]));
    };
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const reply = await rawRequest(edge.url, '/upload', { method: 'PUT', body: payload, headers: ['Content-Type', 'application/octet-stream'] });
    expect(reply.status).toBe(201);
    expect(reply.statusMessage).toBe('Made');
    expect(reply.values('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(reply.body.equals(Buffer.concat([Buffer.from('PUT:'), payload]))).toBe(true);
    expect(world.origin.requests[0]!.body.equals(payload)).toBe(true);
  });

  it('labels an error the origin returns as CloudFront does', async () => {
    const edge = await world.start();
    world.origin.respond = (_req, res) => res.writeHead(404).end('nope');
    const reply = await rawRequest(edge.url, '/missing');
    expect(reply.status).toBe(404);
    expect(reply.text).toBe('nope');
    expect(reply.values('x-cache')).toEqual(['Error from cloudfront']);
  });

  it('answers 502 when the origin cannot be reached', async () => {
    const edge = await world.start({}, `http://127.0.0.1:${await unusedPort()}`);
    const reply = await rawRequest(edge.url, '/');
    expect(reply.status).toBe(502);
    expect(reply.text).toContain('able to connect to the origin');
    expect(reply.values('x-cache')).toEqual(['Error from cloudfront']);
  });

  it('answers 504 when the origin stays silent past the origin response timeout', async () => {
    world.origin.respond = () => {}; // never answers
    const edge = await world.start({ timeouts: { originMs: 150 } });
    const reply = await rawRequest(edge.url, '/slow');
    expect(reply.status).toBe(504);
    expect(reply.text).toContain('did not answer within the origin response timeout');
    expect(reply.values('x-cache')).toEqual(['Error from cloudfront']);
    expect(world.logs.join('\n')).toMatch(/GET \/slow → 504 \[default\] \(origin timed out after 150 ms\)/);
  });

  it('cuts the connection when the origin goes silent mid-answer, so a partial body never looks complete', async () => {
    world.origin.respond = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
    };
    const edge = await world.start({ timeouts: { originMs: 150 } });
    await expect(rawRequest(edge.url, '/stalls')).rejects.toThrow();
  });

  it('keeps the origin path in front of the forwarded uri', async () => {
    const edge = await world.start({}, `${world.origin.url}/prefix/`);
    await rawRequest(edge.url, '/page?x=1');
    expect(world.origin.requests[0]!.url).toBe('/prefix/page?x=1');
  });

  it.each<[string, (request: CloudFrontRequest) => unknown]>([
    ['a rewritten uri without a leading slash', (r) => ({ ...r, uri: 'relative' })],
    ['a missing querystring', (r) => ({ ...r, querystring: undefined })],
  ])('answers 502 for %s', async (_, change) => {
    const edge = await world.start({ checker: async (event) => change(event.Records[0]!.cf.request) as CloudFrontRequest });
    const reply = await rawRequest(edge.url, '/');
    expect(reply.status).toBe(502);
    expect(world.origin.requests).toHaveLength(0);
  });
});
