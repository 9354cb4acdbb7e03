// The session manager's Lambda handler, with the config `cogcf bundle` bakes in.
import type { ManagerConfig } from '../core/config.js';
import { createManager } from './manager.js';

export const handler = createManager(__COGCF_CONFIG__ as ManagerConfig);
