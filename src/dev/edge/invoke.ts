// Calls a handler the way its service does: a throw, a rejection or a run
// past the time limit is a failure, never an exception in the emulator. A
// handler that runs out of time keeps running (its late result is ignored),
// as a Lambda's would until the sandbox is frozen.

export type Invocation<R> =
  | { readonly ok: true; readonly result: R }
  | { readonly ok: false; readonly failure: 'timeout' | 'error'; readonly error?: unknown };

export async function invoke<E, R>(handler: (event: E) => Promise<R>, event: E, timeoutMs: number): Promise<Invocation<R>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Invocation<R>>((resolve) => {
    // Unref'd: a handler stuck past close() must not keep the process alive.
    timer = setTimeout(() => resolve({ ok: false, failure: 'timeout' }), timeoutMs).unref();
  });
  const ran = Promise.resolve()
    .then(() => handler(event))
    .then(
      (result): Invocation<R> => ({ ok: true, result }),
      (error: unknown): Invocation<R> => ({ ok: false, failure: 'error', error }),
    );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
