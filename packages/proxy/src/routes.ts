/**
 * What the proxy should serve (pure): from the Services and Endpoints in the log to one route
 * per NodePort, each with the sorted ready backends of its service port.
 */
import type { Endpoints, Service, ServicePort } from '@wharf/model';
import { backend, type Backend, type Pool } from './balancer.js';

/** kube-proxy's default ClientIP affinity timeout: 3 hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** One NodePort and where its connections go. */
export interface Route extends Pool {
  nodePort: number;
  /** `namespace/name:port` of the service port; balancer state is kept under this key. */
  id: string;
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

/** The TCP NodePorts of every NodePort Service, each with its backends from `endpoints`. */
export function desiredRoutes(services: readonly Service[], endpoints: (namespace: string, name: string) => Endpoints | undefined): Map<number, Route> {
  const routes = new Map<number, Route>();
  for (const svc of services) {
    if (svc.spec.type !== 'NodePort') continue;
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    const ep = endpoints(ns, name);
    const affinity = svc.spec.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) * 1000 : undefined;
    for (const sp of svc.spec.ports ?? []) {
      if (!sp.nodePort || (sp.protocol ?? 'TCP') !== 'TCP' || routes.has(sp.nodePort)) continue;
      const route: Route = { nodePort: sp.nodePort, id: `${ns}/${name}:${sp.name ?? sp.port}`, backends: backendsFor(sp, ep) };
      if (affinity !== undefined) route.affinityMs = affinity;
      routes.set(sp.nodePort, route);
    }
  }
  return routes;
}
