/** @wharf/proxy: the NodePort proxy (kube-proxy): balancer, routes, listener diff, forwarder, acknowledgements and daemon. */
export * from './balancer.js';
export * from './routes.js';
export * from './listeners.js';
export * from './forward.js';
export * from './ack.js';
export * from './proxy.js';
export * from './main.js';
