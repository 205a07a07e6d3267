/**
 * The scores, each 0..100 per node as in kube-scheduler, summed with kube-scheduler's default
 * weights: NodeResourcesLeastAllocated (1), spreading of pods with the same labels in the same
 * namespace (2), and TaintToleration for PreferNoSchedule taints (3).
 */
import type { Pod } from '@wharf/model';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST } from './demand.js';
import { tolerated } from './filters.js';
import type { NodeInfo } from './nodeinfo.js';
import type { Demand } from './types.js';

/** Weights of the scores. */
export const WEIGHTS = { leastAllocated: 1, spread: 2, taints: 3 } as const;

function leastRequested(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * 100) / capacity);
}

/** NodeResourcesFit's LeastAllocated score, with kube-scheduler's non-zero request defaults. */
export function leastAllocatedScore(d: Demand, info: NodeInfo): number {
  const cpu = leastRequested(info.nonZero.milliCPU + (d.milliCPU || DEFAULT_MILLI_CPU_REQUEST), info.allocatable.milliCPU);
  const mem = leastRequested(info.nonZero.memory + (d.memory || DEFAULT_MEMORY_REQUEST), info.allocatable.memory);
  return Math.floor((cpu + mem) / 2);
}

/** Pods on the node in the pod's namespace with the pod's labels (0 for unlabelled pods). */
export function spreadCount(d: Demand, info: NodeInfo): number {
  return d.spreadKey ? (info.spread.get(`${d.namespace}|${d.spreadKey}`) ?? 0) : 0;
}

/** PreferNoSchedule taints of the node the pod does not tolerate. */
export function intolerablePreferCount(pod: Pod, info: NodeInfo): number {
  let n = 0;
  for (const t of info.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(pod.spec.tolerations, t)) n++;
  return n;
}

/** Kube-scheduler's reverse normalisation: the lowest count scores 100, the highest 0. */
export function reverseNormalized(count: number, max: number): number {
  return max <= 0 ? 100 : Math.floor(((max - count) * 100) / max);
}
