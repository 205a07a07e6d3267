/** @wharf/proxy: the service proxy (kube-proxy): balancer, routes for NodePorts and cluster IPs, listener diff, forwarder, the local service range, acknowledgements and daemon; and the node's DNS responder (kube-dns). */
export { attemptOrder, backend, type Backend, type BalancerState, connected, expireSticky, newBalancerState, type Pool } from './balancer.js';
export { backendsFor, clusterIPsOutside, DEFAULT_AFFINITY_SECONDS, desiredRoutes, listenerKey, type Route, type RouteScope, servedClusterIP } from './routes.js';
export { diffListeners, type ListenerDiff } from './listeners.js';
export { forward, type ForwardOptions, type OnOpen, relay, reset } from './forward.js';
export { type AckIdentity, type AckSource, AckWriter } from './ack.js';
export { ServiceProxy, type ProxyOptions } from './proxy.js';
export { CAP_NET_ADMIN, checkLocalRangePrerequisites, ensureLocalRange, hasCapability, LocalRange, LocalRangeError, localRangeInPlace, localRoutesOf, removeServiceRange, serviceLinkName } from './localrange.js';
export { configOf, DEFAULT_SERVICE_CIDR, dnsOf, FLAGS, MAX_SERVICE_PREFIX, MIN_SERVICE_PREFIX, type ProxyConfig, serviceCidrOf } from './config.js';
export { buildZone, DEFAULT_CLUSTER_DOMAIN, DNS_TTL, type DnsZone, type OwnerRecords, type SrvTarget } from './dns/zone.js';
export { type DnsDecision, type DnsQuestion, RCODE, resolve, soaOf, type ZoneAnswer } from './dns/resolve.js';
export { handleMessage, MAX_QUERY_BYTES, MAX_UDP_PAYLOAD, type MessageOutcome, MIN_UDP_PAYLOAD, replyTo, type Transport, udpLimit } from './dns/message.js';
export { forwardQuery, parseUpstream, type Upstream } from './dns/upstream.js';
export { DnsServer, type DnsServerOptions } from './dns/server.js';
export { main, type RunningProxy, startProxy } from './main.js';
