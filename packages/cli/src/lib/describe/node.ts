/** describe node: labels, taints, conditions, addresses, capacity, pod CIDRs. */
import type { Node } from '@wharf/model';
import { mapLines, type Line } from './format.js';

/** The lines of a node. */
export function describeNode(n: Node): Line[] {
  const lines: Line[] = [
    [0, 'Name', n.metadata.name],
    ...mapLines(0, 'Labels', n.metadata.labels),
    ...mapLines(0, 'Annotations', n.metadata.annotations, ': '),
    [0, 'CreationTimestamp', n.metadata.creationTimestamp ?? '<unknown>'],
    [0, 'Taints', (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'],
    [0, 'Unschedulable', String(Boolean(n.spec?.unschedulable))],
    [0, 'Conditions'],
  ];
  for (const c of n.status?.conditions ?? []) lines.push([1, c.type, `${c.status}${c.reason ? ` (${c.reason})` : ''}`]);
  lines.push([0, 'Addresses']);
  for (const a of n.status?.addresses ?? []) lines.push([1, a.type, a.address]);
  lines.push(...mapLines(0, 'Capacity', n.status?.capacity, ': '));
  lines.push(...mapLines(0, 'Allocatable', n.status?.allocatable, ': '));
  // kubectl's order: the pod CIDRs follow the node's resources.
  lines.push([0, 'PodCIDR', n.spec?.podCIDR ?? '<none>']);
  lines.push([0, 'PodCIDRs', (n.spec?.podCIDRs ?? []).join(',') || '<none>']);
  return lines;
}
