/** @wharf/api: the API server plugin and its entry point. */
export { apiPlugin } from './app.js';
export type { ApiContext } from './context.js';
export { Resources } from './resources.js';
export { Tokens } from './auth/tokens.js';
export { main } from './server.js';
