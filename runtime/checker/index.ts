// The Lambda@Edge viewer-request handler, with the config `cogcf bundle` bakes in.
import type { CheckerConfig } from '../core/config.js';
import { createChecker } from './checker.js';

export const handler = createChecker(__COGCF_CONFIG__ as CheckerConfig);
