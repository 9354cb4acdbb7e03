// CloudFront's header rules for edge functions (aws-facts §2): disallowed
// headers are never shown to a function and adding one fails validation;
// read-only ones may be read but not added, changed or removed. Also the
// headers CloudFront itself adds on the way to the origin and back.
import { randomBytes } from 'node:crypto';
import { valuesOf, type HeaderLine } from './header-lines.js';

const DISALLOWED = new Set([
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  // Hop-by-hop like the others: no proxy passes it on, CloudFront included.
  'te',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** `name` in lower case. */
export const isDisallowedHeader = (name: string): boolean =>
  DISALLOWED.has(name) || name.startsWith('x-amz-cf-') || name.startsWith('x-edge-');

/** Read-only in viewer-request events: a function that touches one gets a 502. */
export const READ_ONLY_REQUEST_HEADERS: readonly string[] = ['content-length', 'host', 'transfer-encoding', 'via'];

/** CloudFront frames generated responses itself and adds its own Via. */
export const READ_ONLY_RESPONSE_HEADERS: readonly string[] = ['content-length', 'transfer-encoding', 'via'];

/** The `Via` entry CloudFront appends, toward the origin and back to the viewer. */
export const VIA = '1.1 cogcf-dev.cloudfront.local (CloudFront)';

/** An id in the shape of CloudFront's: the event's `requestId`, `X-Amz-Cf-Id` both ways. */
export const newRequestId = (): string => randomBytes(42).toString('base64url');

/** A header list with CloudFront's entry appended (`Via`, `X-Forwarded-For`). */
export const appended = (existing: readonly string[], value: string): string =>
  existing.length === 0 ? value : `${existing.join(', ')}, ${value}`;

/** What `X-Cache` says about a response. The emulator caches nothing, so there are no hits. */
export type CacheResult = 'Miss' | 'Error' | 'LambdaGeneratedResponse';

const xCache = (result: CacheResult): string => `${result} from cloudfront`;

const OWN_RESPONSE_HEADERS = new Set(['via', 'x-cache', 'x-amz-cf-id']);

/** A response's header lines as the viewer gets them, with CloudFront's own appended. */
export const withEdgeHeaders = (lines: readonly HeaderLine[], requestId: string, result: CacheResult): HeaderLine[] => [
  ...lines.filter(([name]) => !OWN_RESPONSE_HEADERS.has(name.toLowerCase())),
  ['Via', appended(valuesOf(lines, 'via'), VIA)],
  ['X-Cache', xCache(result)],
  ['X-Amz-Cf-Id', requestId],
];

/** How CloudFront labels a response it passes on from an origin. */
export const passedOn = (status: number): CacheResult => (status >= 400 ? 'Error' : 'Miss');
