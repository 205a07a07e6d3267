/** Snapshots of projections, start-up from them, time travel and replay verification. */
export * from './codec.js';
export * from './store.js';
export * from './snapshotter.js';
export * from './boot.js';
export * from './timetravel.js';
export * from './verify.js';
