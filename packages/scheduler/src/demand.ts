/** Computing what a pod asks of a node (pure). */
import { bytes, milliCPU, type Pod } from '@wharf/model';
import type { Demand, HostPort } from './types.js';

/** kube-scheduler's non-zero defaults, used only for scoring pods that request nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** `namespace/name` of a pod. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** The canonical label string spreading compares: sorted `k=v` pairs. */
export function spreadKeyOf(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** The host ports a pod publishes (hostPort > 0). */
export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push({ port: p.hostPort, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP ?? '' });
    }
  }
  return out;
}

const memo = new WeakMap<Pod, Demand>();

/** The pod's requests summed over its containers (a limit stands in for a missing request); memoized per (immutable) pod object. */
export function demandOf(pod: Pod): Demand {
  let d = memo.get(pod);
  if (!d) {
    d = computeDemand(pod);
    memo.set(pod, d);
  }
  return d;
}

function computeDemand(pod: Pod): Demand {
  let cpu = 0;
  let mem = 0;
  for (const c of pod.spec.containers) {
    const r = c.resources;
    cpu += milliCPU(r?.requests?.cpu ?? r?.limits?.cpu);
    mem += bytes(r?.requests?.memory ?? r?.limits?.memory);
  }
  const d: Demand = {
    key: podKey(pod),
    namespace: pod.metadata.namespace ?? 'default',
    spreadKey: spreadKeyOf(pod.metadata.labels),
    milliCPU: cpu,
    memory: mem,
    hostPorts: hostPortsOf(pod),
  };
  if (pod.metadata.uid) d.uid = pod.metadata.uid;
  return d;
}

/** True when the pod no longer holds resources (it finished). */
export function isFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** True when the scheduler should place this pod: not bound, not finished, not being deleted. */
export function needsScheduling(pod: Pod, schedulerName = 'default-scheduler'): boolean {
  if (pod.spec.nodeName || pod.metadata.deletionTimestamp || isFinished(pod)) return false;
  return (pod.spec.schedulerName ?? 'default-scheduler') === schedulerName;
}
