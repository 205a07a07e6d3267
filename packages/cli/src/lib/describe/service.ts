/** describe svc: kubectl's layout, with the NodePort and the ready endpoints of each port. */
import type { Endpoints, Service, ServicePort } from '@wharf/model';
import { formatEndpoints } from '@wharf/model/printers';
import { mapLines, orNone, type Line } from './format.js';

/** The endpoints of one service port: the subsets' addresses with that port's entry only. */
export function endpointsOfPort(ep: Endpoints | undefined, sp: ServicePort, single: boolean): string {
  if (!ep) return '<none>';
  const subsets = (ep.subsets ?? []).map((s) => ({ ...s, ports: (s.ports ?? []).filter((p) => (p.name ?? '') === (sp.name ?? '') || (single && !p.name)) })).filter((s) => s.ports.length);
  return formatEndpoints({ ...ep, subsets });
}

/** The lines of a Service and its Endpoints (undefined when there are none). */
export function describeService(s: Service, ep: Endpoints | undefined): Line[] {
  const spec = s.spec;
  const lines: Line[] = [
    [0, 'Name', s.metadata.name],
    [0, 'Namespace', orNone(s.metadata.namespace)],
    ...mapLines(0, 'Labels', s.metadata.labels),
    ...mapLines(0, 'Annotations', s.metadata.annotations, ': '),
    [0, 'Selector', Object.entries(spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    [0, 'Type', spec?.type ?? 'ClusterIP'],
    [0, 'IP', orNone(spec?.clusterIP)],
    ...(spec?.clusterIPs?.length ? [[0, 'IPs', spec.clusterIPs.join(',')] as Line] : []),
  ];
  const ports = spec?.ports ?? [];
  for (const p of ports) {
    const name = p.name || '<unset>';
    const proto = p.protocol ?? 'TCP';
    lines.push([0, 'Port', `${name}  ${p.port}/${proto}`], [0, 'TargetPort', `${p.targetPort ?? p.port}/${proto}`]);
    if (p.nodePort) lines.push([0, 'NodePort', `${name}  ${p.nodePort}/${proto}`]);
    lines.push([0, 'Endpoints', endpointsOfPort(ep, p, ports.length === 1)]);
  }
  lines.push([0, 'Session Affinity', spec?.sessionAffinity ?? 'None']);
  if (spec?.sessionAffinity === 'ClientIP') lines.push([0, 'Session Affinity Timeout', `${spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800}s`]);
  if (spec?.type === 'NodePort') lines.push([0, 'External Traffic Policy', spec.externalTrafficPolicy ?? 'Cluster']);
  return lines;
}
