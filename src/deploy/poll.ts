// Waiting between the read-only calls that watch CloudFormation work. A
// deploy in flight must not be abandoned because a Describe* call was
// throttled after the SDK's own retries gave up: the mutation goes on either
// way, so watching retries a few more times before it reports the failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { awsErrorName } from '../aws/errors.js';

const THROTTLED = new Set(['Throttling', 'ThrottlingException']);
const MAX_ATTEMPTS = 5;

export const isThrottled = (e: unknown): boolean =>
  THROTTLED.has(awsErrorName(e) ?? '') || (e as { $retryable?: { throttling?: boolean } } | null)?.$retryable?.throttling === true;

/** Waits `ms`, or less when `signal` fires (the caller's next checkpoint then stops). */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, undefined, { signal }).catch(() => {});

/** Runs a read-only call, retrying throttling with a backoff in multiples of the poll interval. */
export async function readWithRetry<T>(call: () => Promise<T>, pollMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottled(e) || attempt >= MAX_ATTEMPTS) throw e;
      await pause(pollMs * 2 ** attempt);
    }
  }
}
