/** History over the event log: points, diffs, entries and audit filters, why, derived Events, reads. */
export * from './point.js';
export * from './diff.js';
export * from './entry.js';
export * from './why.js';
export * from './kevents.js';
export * from './read.js';
export * from './queries.js';
