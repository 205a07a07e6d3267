/** @wharf/api: the API server plugin and its entry point. */
export { apiPlugin, serverOptions } from './app.js';
export { type ApiContext, type ClusterNetworks, type ContextOptions, type OpenContext, openApiContext } from './context.js';
export { Resources } from './resources.js';
export { NodeRelayHandler } from './relay/handler.js';
export { parseRelayRequest, RELAY_LIMITS, type RelayOp } from './relay/protocol.js';
export { startNodeRelay } from './relay/server.js';
export { Tokens } from './auth/tokens.js';
export { main } from './server.js';
