/** `describe service`: kubectl's layout, with the NodePort and the ready endpoints of each port. */
import { formatEndpoints, formatSelectorMap, type Endpoints, type Service, type ServicePort } from '@wharf/core';
import { DescribeWriter, mapLines } from './writer.js';

/** The endpoints of one service port: the subsets' addresses with that port's entry only. */
export function endpointsOfPort(ep: Endpoints | undefined, sp: ServicePort, single: boolean): string {
  if (!ep) return '<none>';
  const subsets = (ep.subsets ?? []).map((s) => ({ ...s, ports: (s.ports ?? []).filter((p) => (p.name ?? '') === (sp.name ?? '') || (single && !p.name)) })).filter((s) => s.ports.length);
  return formatEndpoints({ ...ep, subsets });
}

/** Renders a Service and its Endpoints (undefined when there are none). */
export function describeService(svc: Service, ep: Endpoints | undefined): string {
  const w = new DescribeWriter();
  const spec = svc.spec;
  const selector = formatSelectorMap(spec.selector);
  w.row('Name', svc.metadata.name)
    .row('Namespace', svc.metadata.namespace ?? 'default')
    .row('Labels', mapLines(svc.metadata.labels))
    .row('Annotations', mapLines(svc.metadata.annotations))
    .row('Selector', selector || '<none>')
    .row('Type', spec.type ?? 'ClusterIP')
    // Wharf has no cluster IPs: a Service is reached through its NodePorts on every node.
    .row('IP', spec.clusterIP || '<none>');
  const ports = spec.ports ?? [];
  for (const p of ports) {
    const name = p.name || '<unset>';
    const proto = p.protocol ?? 'TCP';
    w.row('Port', `${name}  ${p.port}/${proto}`);
    const target = p.targetPort ?? p.port;
    w.row('TargetPort', `${target}/${proto}`);
    if (p.nodePort) w.row('NodePort', `${name}  ${p.nodePort}/${proto}`);
    w.row('Endpoints', endpointsOfPort(ep, p, ports.length === 1));
  }
  w.row('Session Affinity', spec.sessionAffinity ?? 'None');
  if (spec.sessionAffinity === 'ClientIP') w.row('Session Affinity Timeout', `${spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800}s`);
  if (spec.type === 'NodePort') w.row('External Traffic Policy', spec.externalTrafficPolicy ?? 'Cluster');
  return w.render();
}
