// The session manager's Lambda handler, with the config `cogcf bundle` bakes in.
// A deployed manager stack creates the app client itself, so its id arrives
// in the environment (a regional Lambda may have one; the edge checker may not).
import type { ManagerConfig } from '../core/config.js';
import { createManager } from './manager.js';

const baked = __COGCF_CONFIG__ as ManagerConfig;
const clientId = process.env.COGCF_COGNITO_CLIENT_ID;

const config = clientId ? { ...baked, cognito: { ...baked.cognito, clientId } } : baked;
// Fail at init, loudly, rather than send every visitor to Cognito with no client.
if (config.cognito.clientId === '') throw new Error('cogcf manager: no app client id: set COGCF_COGNITO_CLIENT_ID or cognito.clientId in the barrier config');

export const handler = createManager(config);
