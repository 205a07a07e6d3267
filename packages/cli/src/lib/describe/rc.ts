/** describe rc: selector, replicas, the pod template. */
import type { ReplicationController } from '@wharf/model';
import { mapLines, orNone, type Line } from './format.js';

/** The lines of a replication controller. */
export function describeReplicationController(rc: ReplicationController): Line[] {
  const st = rc.status;
  const lines: Line[] = [
    [0, 'Name', rc.metadata.name],
    [0, 'Namespace', orNone(rc.metadata.namespace)],
    [0, 'Selector', Object.entries(rc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    ...mapLines(0, 'Labels', rc.metadata.labels),
    ...mapLines(0, 'Annotations', rc.metadata.annotations, ': '),
    [0, 'Replicas', `${st?.replicas ?? 0} current / ${rc.spec?.replicas ?? 1} desired`],
    [0, 'Pods Status', `${st?.readyReplicas ?? 0} Ready / ${(st?.replicas ?? 0) - (st?.readyReplicas ?? 0)} Not Ready`],
    [0, 'Pod Template'],
    ...mapLines(1, 'Labels', rc.spec?.template?.metadata?.labels),
    [1, 'Containers'],
  ];
  for (const c of rc.spec?.template?.spec.containers ?? []) {
    lines.push([2, c.name], [3, 'Image', c.image], [3, 'Port', (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>']);
  }
  return lines;
}
