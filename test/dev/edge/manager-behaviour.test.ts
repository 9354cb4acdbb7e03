// The `/_identity/*` behaviour: matched before the default one, no checker,
// and an HTTP API (payload format 2.0) in front of the manager.
import { describe, expect, it } from 'vitest';
import { MAX_MANAGER_BODY_BYTES } from '../../../src/dev/edge/manager-behaviour.js';
import { API_DOMAIN } from '../../../src/dev/edge/http-api-event.js';
import { useEdgeWorld } from './harness.js';
import { rawRequest } from '../../support/raw-http.js';

describe('edge emulator: the manager behaviour', () => {
  const world = useEdgeWorld();

  it('sends /_identity/* to the manager without the checker, and everything else through the checker', async () => {
    const edge = await world.start();
    const served = async (path: string) => {
      const before = { checker: edge.calls.checker.length, manager: edge.calls.manager.length };
      await rawRequest(edge.url, path);
      return edge.calls.manager.length > before.manager ? 'manager' : edge.calls.checker.length > before.checker ? 'checker' : 'none';
    };
    expect(await served('/_identity/login?path=%2F')).toBe('manager');
    expect(await served('/_identity/')).toBe('manager');
    expect(await served('/_identity/a/b')).toBe('manager');
    expect(await served('/_identity')).toBe('checker');
    expect(await served('/_identity?x=/_identity/login')).toBe('checker');
    expect(await served('/_IDENTITY/login')).toBe('checker');
    expect(await served('/app/_identity/login')).toBe('checker');
    expect(await served('/%5Fidentity/login')).toBe('checker');
  });

  it('never lets a path that climbs out of /_identity reach the origin without the checker', async () => {
    const edge = await world.start({ checker: async () => ({ status: '403' }) });
    for (const path of ['/_identity/../admin', '/_identity/%2e%2e/admin', '/_identity/..%2Fadmin']) {
      const reply = await rawRequest(edge.url, path);
      expect(reply.text).toBe('manager');
    }
    expect(world.origin.requests).toHaveLength(0);
    expect(edge.calls.manager.map((e) => e.rawPath)).toEqual(['/_identity/../admin', '/_identity/%2e%2e/admin', '/_identity/..%2Fadmin']);
  });

  it('builds a payload 2.0 event: raw path and query, cookies from every Cookie line, joined headers, no Host from the viewer', async () => {
    const edge = await world.start();
    const before = Date.now();
    await rawRequest(edge.url, '/_identity/login?path=%2Freports%3Ftab%3D1&a=1&a=2', {
      headers: [
        'Host', '127.0.0.1:8080', 'Cookie', 'theme=dark; a=1', 'Cookie', 'lang=en', 'User-Agent', 'edge-test/1',
        'X-Dup', 'one', 'X-Dup', 'two', 'X-Forwarded-Host', 'evil.example', 'X-Forwarded-Proto', 'http',
      ],
    });
    const event = edge.calls.manager[0]!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/_identity/login',
      rawQueryString: 'path=%2Freports%3Ftab%3D1&a=1&a=2',
      cookies: ['theme=dark', 'a=1', 'lang=en'],
      queryStringParameters: { path: '/reports?tab=1', a: '1,2' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$default',
        stage: '$default',
        domainName: API_DOMAIN,
        http: { method: 'GET', path: '/_identity/login', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'edge-test/1' },
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.headers['host']).toBe(API_DOMAIN);
    expect(event.headers['x-forwarded-host']).toBe('127.0.0.1:8080');
    expect(event.headers['x-dup']).toBe('one,two');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['via']).toMatch(/\(CloudFront\)$/);
    expect(event.headers).not.toHaveProperty('x-forwarded-proto');
    expect(event.headers).not.toHaveProperty('connection');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(edge.calls.checker).toHaveLength(0);
  });

  it('passes a text body as text and any other body base64-encoded', async () => {
    const edge = await world.start();
    await rawRequest(edge.url, '/_identity/logout', { method: 'POST', headers: ['Content-Type', 'application/x-www-form-urlencoded'], body: 'a=1&b=%C3%A9' });
    const binary = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    await rawRequest(edge.url, '/_identity/upload', { method: 'POST', headers: ['Content-Type', 'application/octet-stream'], body: binary });
    const [text, bytes] = edge.calls.manager;
    expect(text).toMatchObject({ body: 'a=1&b=%C3%A9', isBase64Encoded: false, requestContext: { http: { method: 'POST' } } });
    expect(bytes).toMatchObject({ body: binary.toString('base64'), isBase64Encoded: true });
  });

  it('turns the result into HTTP: status, headers, one Set-Cookie per cookie, a base64 body decoded', async () => {
    const body = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const edge = await world.start({
      manager: async () => ({
        statusCode: 302,
        headers: { location: '/home', 'x-count': 3, 'x-flag': true },
        cookies: ['__Host-cogcf-session=abc; Path=/; Secure; HttpOnly', '__Host-cogcf-session-login=; Path=/; Max-Age=0'],
        body: body.toString('base64'),
        isBase64Encoded: true,
      }),
    });
    const reply = await rawRequest(edge.url, '/_identity/auth?code=c&state=s');
    expect(reply.status).toBe(302);
    expect(reply.values('location')).toEqual(['/home']);
    expect(reply.values('x-count')).toEqual(['3']);
    expect(reply.values('x-flag')).toEqual(['true']);
    expect(reply.values('set-cookie')).toEqual(['__Host-cogcf-session=abc; Path=/; Secure; HttpOnly', '__Host-cogcf-session-login=; Path=/; Max-Age=0']);
    expect(reply.body.equals(body)).toBe(true);
    expect(reply.values('x-cache')).toEqual(['Miss from cloudfront']);
  });

  it('answers a result without a statusCode as API Gateway does: 200 with the result as JSON', async () => {
    const edge = await world.start({ manager: async () => ({ hello: 'world' }) as never });
    const reply = await rawRequest(edge.url, '/_identity/session');
    expect(reply.status).toBe(200);
    expect(reply.values('content-type')).toEqual(['application/json']);
    expect(JSON.parse(reply.text)).toEqual({ hello: 'world' });
  });

  it.each<[string, () => Promise<never>]>([
    ['throws', async () => Promise.reject(new Error('manager bug'))],
    ['returns a string status code', async () => ({ statusCode: '200' }) as never],
    ['returns cookies that are not strings', async () => ({ statusCode: 200, cookies: [1] }) as never],
    ['returns a header with a line break', async () => ({ statusCode: 200, headers: { 'x-a': 'a\r\nb: c' } }) as never],
    ['returns nothing', async () => undefined as never],
  ])('answers 502 Internal Server Error when the manager %s', async (_, manager) => {
    const edge = await world.start({ manager });
    const reply = await rawRequest(edge.url, '/_identity/session');
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.text)).toEqual({ message: 'Internal Server Error' });
    expect(world.logs.join('\n')).toMatch(/→ 502 \[manager\] \(manager .+\)/);
  });

  it('answers 503 when the manager runs past its time limit', async () => {
    const edge = await world.start({ manager: () => new Promise(() => {}), timeouts: { managerMs: 100 } });
    const reply = await rawRequest(edge.url, '/_identity/session');
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.text)).toEqual({ message: 'Service Unavailable' });
  });

  it('refuses a body over the limit with 413 before the manager runs', async () => {
    const edge = await world.start();
    const reply = await rawRequest(edge.url, '/_identity/logout', { method: 'POST', body: Buffer.alloc(MAX_MANAGER_BODY_BYTES + 1, 0x61) });
    expect(reply.status).toBe(413);
    expect(edge.calls.manager).toHaveLength(0);
    const atLimit = await rawRequest(edge.url, '/_identity/logout', { method: 'POST', body: Buffer.alloc(MAX_MANAGER_BODY_BYTES, 0x61) });
    expect(atLimit.status).toBe(200);
    expect(edge.calls.manager).toHaveLength(1);
  });
});
