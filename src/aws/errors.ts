// The one place AWS SDK errors become CogcfErrors (openid-client's errorHandler
// pattern): adapters catch, call `toCogcfError` with the IAM action they were
// performing, and throw the result. Nothing else re-wraps SDK errors.
import { CogcfError } from '../errors.js';

/** What was being attempted: the IAM action (e.g. `s3:CreateBucket`) and, when known, the resource. */
export interface AwsCallContext {
  readonly action: string;
  readonly resource?: string;
}

/** Credentials that are missing, expired or rejected: nothing was attempted on the user's behalf. */
export class AwsAuthError extends CogcfError {
  constructor(message: string, cause: unknown) {
    super('ERR_AWS_AUTH', message, {
      hint: 'Configure AWS credentials (AWS_PROFILE, environment variables) or run `aws sso login`, then try again.',
      cause,
    });
  }
}

/** The caller is authenticated but not allowed to perform `action` on `resource`. */
export class AwsPermissionError extends CogcfError {
  constructor(
    readonly action: string,
    readonly resource: string | undefined,
    cause: unknown,
  ) {
    const on = resource === undefined ? '' : ` on ${resource}`;
    super('ERR_AWS_PERMISSION', `Permission denied: the AWS identity in use may not perform ${action}${on}.`, {
      hint: `Grant ${action}${on} to the identity you deploy with (or use a profile that has it); for an S3 bucket, also check it is not owned by another account.`,
      cause,
    });
  }
}

const AUTH_ERRORS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'AuthFailure',
]);

const PERMISSION_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'Forbidden']);

const THROTTLING_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const shapeOf = (e: unknown): SdkErrorShape => (typeof e === 'object' && e !== null ? (e as SdkErrorShape) : {});

/** The SDK's error name (`NoSuchKey`, `AccessDenied`, …), or undefined for things that are not errors. */
export const awsErrorName = (e: unknown): string | undefined => {
  const { name } = shapeOf(e);
  return typeof name === 'string' ? name : undefined;
};

/** A missing key or bucket: a normal answer for discovery, not a failure. */
export const isNotFound = (e: unknown): boolean => {
  const name = awsErrorName(e);
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchBucket' || shapeOf(e).$metadata?.httpStatusCode === 404;
};

export function toCogcfError(e: unknown, context: AwsCallContext): CogcfError {
  const shape = shapeOf(e);
  const name = awsErrorName(e) ?? 'Error';
  const said = typeof shape.message === 'string' && shape.message !== '' ? shape.message : name;
  if (AUTH_ERRORS.has(name)) {
    return new AwsAuthError(`AWS did not accept the credentials in use (${context.action}): ${said}`, e);
  }
  if (PERMISSION_ERRORS.has(name) || shape.$metadata?.httpStatusCode === 403) {
    return new AwsPermissionError(context.action, context.resource, e);
  }
  const on = context.resource === undefined ? '' : ` on ${context.resource}`;
  const status = shape.$metadata?.httpStatusCode;
  // A bodiless answer (HeadBucket, HeadObject) has only its status: S3 says SlowDown with a 503.
  if (THROTTLING_ERRORS.has(name) || shape.$retryable?.throttling === true || status === 429 || status === 503) {
    // The SDK has already retried with backoff; this is what is left.
    return new CogcfError('ERR_AWS', `${context.action}${on} was still throttled after retries: ${said}`, {
      hint: 'AWS is rate-limiting this account; wait a minute and run the command again.',
      cause: e,
    });
  }
  return new CogcfError('ERR_AWS', `${context.action}${on} failed: ${said}`, {
    hint: 'Run again with --verbose for the full AWS error.',
    cause: e,
  });
}
