/** @wharf/agent: the node agent (kubelet) — the pure container diff, its runner and the runtime interface. */
export * from './backoff.js';
export * from './labels.js';
export * from './views.js';
export * from './plan.js';
export * from './status.js';
export * from './spec.js';
export * from './flags.js';
export * from './node.js';
export * from './heartbeat.js';
export * from './logship.js';
export * from './kubelet.js';
export * from './main.js';
export * from './runtime/runtime.js';
export * from './runtime/docker.js';
export * from './runtime/fake.js';
