// startOrigin: each kind on 127.0.0.1 at its own free port, and a close()
// that leaves nothing listening even while a browser holds a connection open.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type OriginKind } from '../../../src/dev/origin/index.js';
import { rawRequest, unusedPort, type RawResponse } from '../../support/raw-http.js';

describe('startOrigin', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cogcf-origin-'));
    writeFileSync(join(dir, 'index.html'), 'folder home');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Each kind with a check that the answer came from that kind.
  const kinds = async (): Promise<[OriginKind, (res: RawResponse) => void][]> => [
    [{ kind: 'demo' }, (res) => expect(res.text).toContain('<h1>Not signed in</h1>')],
    [{ kind: 'site', dir }, (res) => expect(res.text).toBe('folder home')],
    [{ kind: 'proxy', url: `http://127.0.0.1:${await unusedPort()}` }, (res) => expect(res.status).toBe(502)],
  ];

  it('starts each kind on 127.0.0.1, and close() leaves no listener behind despite a kept-alive connection', async () => {
    for (const [kind, check] of await kinds()) {
      const origin = await startOrigin(kind);
      expect(origin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const browser = new Agent({ keepAlive: true });
      check(await rawRequest(origin.url, '/', { agent: browser }));
      await origin.close();
      await origin.close(); // a second call is harmless
      await expect(rawRequest(origin.url, '/'), kind.kind).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      browser.destroy();
    }
  });

  it('gives each origin its own port', async () => {
    const [a, b] = await Promise.all([startOrigin({ kind: 'demo' }), startOrigin({ kind: 'demo' })]);
    expect(a.url).not.toBe(b.url);
    await Promise.all([a.close(), b.close()]);
  });
});
