/** @wharf/api: the API server plugin and its entry point. */
export { apiPlugin, serverOptions } from './app.js';
export { type ApiContext, type ContextOptions, type OpenContext, openApiContext } from './context.js';
export { Resources } from './resources.js';
export { Tokens } from './auth/tokens.js';
export { main } from './server.js';
