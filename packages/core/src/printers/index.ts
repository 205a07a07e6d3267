/** Server-side table printers: kubectl's columns and cells for every kind, pure functions of (object, now). */
export * from './age.js';
export * from './columns.js';
export * from './pod.js';
export * from './rows.js';
export * from './table.js';
