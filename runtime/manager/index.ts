// The session manager's Lambda handler, with the config `cogcf bundle` bakes in.
// A deployed manager stack creates the app client itself, so its id arrives
// in the environment (a regional Lambda may have one; the edge checker may not).
import type { ManagerConfig } from '../core/config.js';
import { createManager } from './manager.js';

const baked = __COGCF_CONFIG__ as ManagerConfig;
const clientId = process.env.COGCF_COGNITO_CLIENT_ID;

export const handler = createManager(clientId ? { ...baked, cognito: { ...baked.cognito, clientId } } : baked);
