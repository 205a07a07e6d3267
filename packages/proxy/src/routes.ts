/**
 * What the proxy should serve (pure): from the Services and Endpoints in the log to one route
 * per listener `address:port`, each with the sorted ready backends of its service port. A
 * NodePort listens on the node's address; every TCP port of a Service with a cluster IP in the
 * service CIDR listens on `clusterIP:port`. Both routes of one service port share its id, so
 * they share one balancer (cursor and ClientIP affinity), as kube-proxy's chains do.
 */
import { cidrContains, type Endpoints, type Ipv4Cidr, ipv4ToNumber, type Service, type ServicePort } from '@wharf/model';
import { backend, type Backend, type Pool } from './balancer.js';

/** kube-proxy's default ClientIP affinity timeout: 3 hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** One listener and where its connections go. */
export interface Route extends Pool {
  /** What opened it: a NodePort on the node's address, or a service port on its cluster IP. */
  kind: 'NodePort' | 'ClusterIP';
  address: string;
  port: number;
  /** `namespace/name:port` of the service port; balancer state is kept under this key. */
  id: string;
}

/** Where the routes listen: the node's address for NodePorts; cluster IPs only inside `serviceCidr` (none without it). */
export interface RouteScope {
  nodeAddress: string;
  serviceCidr?: Ipv4Cidr | undefined;
}

/** The key of a listener: `address:port`, `[v6]:port`. */
export function listenerKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function endpointPortMatches(sp: ServicePort, ports: readonly { name?: string | undefined; port: number; protocol?: string | undefined }[], epName: string | undefined): boolean {
  return (sp.name ?? '') === (epName ?? '') || (ports.length === 1 && !epName && !sp.name);
}

/** The ready backends of one service port in the Endpoints, sorted by host then port, without duplicates. */
export function backendsFor(sp: ServicePort, ep: Endpoints | undefined): Backend[] {
  const seen = new Map<string, Backend>();
  for (const subset of ep?.subsets ?? []) {
    const ports = subset.ports ?? [];
    for (const p of ports) {
      if ((p.protocol ?? 'TCP') !== 'TCP' || !endpointPortMatches(sp, ports, p.name)) continue;
      for (const a of subset.addresses ?? []) {
        const b = backend(a.ip, p.port);
        seen.set(b.key, b);
      }
    }
  }
  return [...seen.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.port - b.port));
}

/** The cluster IP a Service is served on: set, not `None`, an IPv4 address; undefined otherwise. */
export function servedClusterIP(svc: Service): string | undefined {
  const ip = svc.spec.clusterIP;
  if (!ip || ip === 'None') return undefined;
  return ipv4ToNumber(ip) === undefined ? undefined : ip;
}

/** The cluster IPs of `services` that lie outside `serviceCidr` (never listened on), sorted, without duplicates. */
export function clusterIPsOutside(services: readonly Service[], serviceCidr: Ipv4Cidr): string[] {
  const out = new Set<string>();
  for (const svc of services) {
    const ip = servedClusterIP(svc);
    if (ip && !cidrContains(serviceCidr, ipv4ToNumber(ip)!)) out.add(ip);
  }
  return [...out].sort();
}

/**
 * The routes of `services`, keyed by listener: one per TCP NodePort on the node's address, and
 * one per TCP service port on the cluster IP (inside the service CIDR). The first Service to
 * claim a listener keeps it.
 */
export function desiredRoutes(services: readonly Service[], endpoints: (namespace: string, name: string) => Endpoints | undefined, scope: RouteScope): Map<string, Route> {
  const routes = new Map<string, Route>();
  const add = (route: Route): void => {
    const key = listenerKey(route.address, route.port);
    if (!routes.has(key)) routes.set(key, route);
  };
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    const ip = servedClusterIP(svc);
    const clusterIP = ip && scope.serviceCidr && cidrContains(scope.serviceCidr, ipv4ToNumber(ip)!) ? ip : undefined;
    const nodePorts = svc.spec.type === 'NodePort';
    if (!clusterIP && !nodePorts) continue;
    const ep = endpoints(ns, name);
    const affinity = svc.spec.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) * 1000 : undefined;
    for (const sp of svc.spec.ports ?? []) {
      if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
      const id = `${ns}/${name}:${sp.name ?? sp.port}`;
      const backends = backendsFor(sp, ep);
      const pool = affinity === undefined ? { backends } : { backends, affinityMs: affinity };
      if (nodePorts && sp.nodePort) add({ kind: 'NodePort', address: scope.nodeAddress, port: sp.nodePort, id, ...pool });
      if (clusterIP) add({ kind: 'ClusterIP', address: clusterIP, port: sp.port, id, ...pool });
    }
  }
  return routes;
}
