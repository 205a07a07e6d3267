/** @wharf/proxy: the NodePort proxy (kube-proxy): balancer, routes, listener diff, forwarder, acknowledgements and daemon. */
export { attemptOrder, backend, type Backend, type BalancerState, connected, expireSticky, newBalancerState, type Pool } from './balancer.js';
export { backendsFor, DEFAULT_AFFINITY_SECONDS, desiredRoutes, type Route } from './routes.js';
export { diffListeners, type ListenerDiff } from './listeners.js';
export { forward, type ForwardOptions, type OnOpen, relay, reset } from './forward.js';
export { type AckIdentity, type AckSource, AckWriter } from './ack.js';
export { NodePortProxy, type ProxyOptions } from './proxy.js';
export { main, type ProxyConfig, type RunningProxy, startProxy } from './main.js';
