/** @wharf/cli: the `wharf` command line; its logic is exported for tests and embedding. */
export * from './lib/apply.js';
export * from './lib/argv.js';
export * from './lib/config.js';
export * from './lib/delete.js';
export * from './lib/describe/index.js';
export * from './lib/describe/service.js';
export * from './lib/errors.js';
export * from './lib/get.js';
export * from './lib/manifests.js';
export * from './lib/output.js';
export * from './lib/table.js';
export * from './lib/targets.js';
