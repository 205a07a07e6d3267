/** @wharf/client: a small HTTP client of the Wharf API server. */
export * from './client.js';
export * from './errors.js';
export * from './paths.js';
export * from './ndjson.js';
export * from './history.js';
export * from './tokens.js';
