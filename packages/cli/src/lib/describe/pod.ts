/** describe pod: identity, node, status, containers with their states, conditions. */
import type { Pod } from '@wharf/model';
import { mapLines, orNone, type Line } from './format.js';

function stateLines(level: number, label: string, s: NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number]['state']): Line[] {
  if (s?.running) return [[level, label, 'Running'], [level + 1, 'Started', orNone(s.running.startedAt)]];
  if (s?.waiting) return [[level, label, 'Waiting'], [level + 1, 'Reason', orNone(s.waiting.reason)]];
  if (s?.terminated) return [[level, label, 'Terminated'], [level + 1, 'Reason', orNone(s.terminated.reason)], [level + 1, 'Exit Code', String(s.terminated.exitCode)]];
  return [[level, label, 'Waiting']];
}

/** The lines of a pod. */
export function describePod(p: Pod): Line[] {
  const owner = p.metadata.ownerReferences?.find((r) => r.controller) ?? p.metadata.ownerReferences?.[0];
  const lines: Line[] = [
    [0, 'Name', p.metadata.name],
    [0, 'Namespace', orNone(p.metadata.namespace)],
    [0, 'Priority', String(p.spec.priority ?? 0)],
    [0, 'Node', p.spec.nodeName ? `${p.spec.nodeName}/${p.status?.hostIP ?? ''}` : '<none>'],
    [0, 'Start Time', orNone(p.status?.startTime)],
    ...mapLines(0, 'Labels', p.metadata.labels),
    ...mapLines(0, 'Annotations', p.metadata.annotations, ': '),
    [0, 'Status', p.metadata.deletionTimestamp ? 'Terminating' : orNone(p.status?.phase)],
    [0, 'IP', p.status?.podIP ?? ''],
  ];
  if (owner) lines.push([0, 'Controlled By', `${owner.kind}/${owner.name}`]);
  lines.push([0, 'Containers']);
  const statuses = new Map((p.status?.containerStatuses ?? []).map((c) => [c.name, c]));
  for (const c of p.spec.containers) {
    const st = statuses.get(c.name);
    lines.push([1, c.name], [2, 'Image', c.image]);
    const ports = (c.ports ?? []).map((x) => `${x.containerPort}/${x.protocol ?? 'TCP'}`).join(', ');
    lines.push([2, 'Port', ports || '<none>']);
    lines.push(...stateLines(2, 'State', st?.state));
    lines.push([2, 'Ready', st?.ready ? 'True' : 'False'], [2, 'Restart Count', String(st?.restartCount ?? 0)]);
  }
  const conds = p.status?.conditions ?? [];
  if (conds.length) {
    lines.push([0, 'Conditions']);
    for (const c of conds) lines.push([1, c.type, c.status]);
  }
  lines.push([0, 'Node-Selectors', Object.entries(p.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>']);
  lines.push([0, 'Tolerations', (p.spec.tolerations ?? []).map((t) => `${t.key ?? ''}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect ?? ''}`).join(', ') || '<none>']);
  return lines;
}
