/** describe svc: type, selector, ports and node ports. */
import type { Service } from '@wharf/core';
import { mapLines, orNone, type Line } from './format.js';

/** The lines of a service. */
export function describeService(s: Service): Line[] {
  const lines: Line[] = [
    [0, 'Name', s.metadata.name],
    [0, 'Namespace', orNone(s.metadata.namespace)],
    ...mapLines(0, 'Labels', s.metadata.labels),
    ...mapLines(0, 'Annotations', s.metadata.annotations, ': '),
    [0, 'Selector', Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    [0, 'Type', s.spec?.type ?? 'ClusterIP'],
    [0, 'IP', orNone(s.spec?.clusterIP)],
  ];
  for (const p of s.spec?.ports ?? []) {
    lines.push([0, 'Port', `${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`], [0, 'TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`]);
    if (p.nodePort) lines.push([0, 'NodePort', `${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}`]);
  }
  lines.push([0, 'Session Affinity', s.spec?.sessionAffinity ?? 'None']);
  return lines;
}
