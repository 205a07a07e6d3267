/** @wharf/reconcilers: the reconciler runtime, the scheduler and the node feed reconciler. */
export * from './runtime/ratelimit.js';
export * from './runtime/queue.js';
export * from './runtime/keys.js';
export * from './runtime/controller.js';
export * from './scheduler/types.js';
export * from './scheduler/demand.js';
export * from './scheduler/nodeinfo.js';
export * from './scheduler/filters.js';
export * from './scheduler/score.js';
export * from './scheduler/message.js';
export * from './scheduler/schedule.js';
export * from './scheduler/reservations.js';
export * from './scheduler/binding.js';
export * from './scheduler/watches.js';
export * from './scheduler/ledger.js';
export * from './scheduler/runner.js';
export * from './runtime/kvmirror.js';
