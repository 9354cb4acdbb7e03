// The exact responses the checker generates at the edge, as CloudFront gets
// them (snapshots/checker/*.json): a shape change is a diff to review.
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../../runtime/checker/checker.js';
import type { DynamoClient } from '../../../runtime/core/dynamo.js';
import { DynamoError } from '../../../runtime/core/dynamo.js';
import { answered, checkerConfig, COOKIE, viewerRequest } from '../../fixtures/checker/events.js';

const SNAPSHOTS = new URL('../../../snapshots/checker/', import.meta.url).pathname;
const ID = 'A'.repeat(43);
const session = { pk: { S: 'h'.repeat(43) }, kind: { S: 'session' }, sub: { S: 'sub-1' }, email: { S: 'eve@example.com' }, groups: { L: [{ S: 'staff' }] }, createdAt: { N: '1' }, expiresAt: { N: '4102444800' } };
const table = { name: 'cogcf-sessions', region: 'us-east-1' };
// In-memory stand-ins: these snapshots are about response shapes, not storage.
const storeWith = (item: object): DynamoClient => ({ call: async () => ({ Item: item }) });
const failingStore: DynamoClient = { call: async () => Promise.reject(new DynamoError('ProvisionedThroughputExceededException', 'slow down', 400)) };

describe('generated edge responses (golden)', () => {
  it('login redirect for an anonymous viewer', async () => {
    const result = answered(await createChecker(checkerConfig(table))(viewerRequest({ uri: '/reports/q2', querystring: 'tab=summary' })));
    await expect(JSON.stringify(result, null, 2) + '\n').toMatchFileSnapshot(`${SNAPSHOTS}login-redirect.json`);
  });

  it('403 for a signed-in viewer without the group', async () => {
    const check = createChecker(checkerConfig(table, { allowedGroups: ['admins'] }), { db: storeWith(session) });
    const result = answered(await check(viewerRequest({ cookies: [`${COOKIE}=${ID}`] })));
    await expect(JSON.stringify(result, null, 2) + '\n').toMatchFileSnapshot(`${SNAPSHOTS}forbidden.json`);
  });

  it('503 when the session table cannot answer', async () => {
    const check = createChecker(checkerConfig(table), { db: failingStore });
    const result = answered(await check(viewerRequest({ cookies: [`${COOKIE}=${ID}`] })));
    await expect(JSON.stringify(result, null, 2) + '\n').toMatchFileSnapshot(`${SNAPSHOTS}unavailable.json`);
  });
});
