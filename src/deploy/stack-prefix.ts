// The prefix the two stacks are named with: `<prefix>-manager`, `<prefix>-checker`.

export const DEFAULT_STACK_PREFIX = 'cogcf';

/**
 * The checker stack names its CloudFront function `<stack name>-viewer-host`,
 * and CloudFront function names are at most 64 characters:
 * 64 - '-checker-viewer-host'.length.
 */
export const MAX_STACK_PREFIX_LENGTH = 44;

/** A letter, then letters, digits and hyphens (CloudFormation stack names). */
export const isStackPrefix = (prefix: string): boolean =>
  prefix.length <= MAX_STACK_PREFIX_LENGTH && /^[A-Za-z][A-Za-z0-9-]*$/.test(prefix);
