// Why a sign-in could not finish, in the terms the error page speaks to the
// user. Every step of the callback throws this, never a raw library error.

/**
 * - `expired`: the attempt is stale, replayed, incomplete or not ours (400)
 * - `denied`: the sign-in service refused the user (403)
 * - `failed`: the sign-in service answered with something we cannot accept (502)
 * - `unavailable`: the sign-in service or the session store did not answer (503)
 */
export type SignInFailure = 'expired' | 'denied' | 'failed' | 'unavailable';

/** What Cognito put in `error` / `error_description` (shown escaped, never trusted). */
export interface ProviderError {
  readonly error: string;
  readonly description?: string;
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly failure: SignInFailure,
    message: string,
    readonly providerError?: ProviderError,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps an OAuth `error` code from the authorization response to what the user is told. */
export function providerFailure(error: string, description: string | undefined): SignInError {
  const failure: SignInFailure =
    error === 'access_denied' ? 'denied' : error === 'temporarily_unavailable' ? 'unavailable' : 'failed';
  return new SignInError(failure, `sign-in service returned ${JSON.stringify(error.slice(0, 64))}`, {
    error,
    ...(description === undefined ? {} : { description }),
  });
}
