/**
 * The filters, in kube-scheduler's plugin order, each answering with kube-scheduler's reason
 * when a node cannot take a pod: readiness, NodeUnschedulable, TaintToleration, NodeAffinity
 * (nodeSelector), NodePorts and NodeResourcesFit. The first failing filter decides, except that
 * NodeResourcesFit reports every insufficient resource.
 */
import type { Pod, Taint, Toleration } from '@wharf/model';
import type { NodeInfo } from './nodeinfo.js';
import type { Demand, HostPort } from './types.js';

/** kube-scheduler's reason strings. */
export const Reasons = {
  notReady: 'node(s) were not ready',
  unschedulable: 'node(s) were unschedulable',
  nodeSelector: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  cpu: 'Insufficient cpu',
  memory: 'Insufficient memory',
  taint: (t: Taint) => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`,
} as const;

/** Kubernetes' ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** True when some toleration tolerates the taint. */
export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Filters that depend only on the pod's spec and the node's static facts; the reason, or undefined. */
export function staticReason(pod: Pod, info: NodeInfo): string | undefined {
  if (!info.ready) return Reasons.notReady;
  if (info.unschedulable && !tolerated(pod.spec.tolerations, unschedulableTaint)) return Reasons.unschedulable;
  for (const taint of info.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!tolerated(pod.spec.tolerations, taint)) return Reasons.taint(taint);
  }
  const sel = pod.spec.nodeSelector;
  if (sel) for (const [k, v] of Object.entries(sel)) if (!Object.hasOwn(info.labels, k) || info.labels[k] !== v) return Reasons.nodeSelector;
  return undefined;
}

function wildcard(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

/** True when two host ports collide (same port and protocol, overlapping addresses). */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (wildcard(a.hostIP) || wildcard(b.hostIP) || a.hostIP === b.hostIP);
}

/** True when the node has room and free ports for the demand (capacityReasons is empty); allocation-free. */
export function fitsCapacity(d: Demand, info: NodeInfo): boolean {
  const { allocatable: a, requested: r } = info;
  if (r.pods + 1 > a.pods) return false;
  if (d.milliCPU > 0 && d.milliCPU > a.milliCPU - r.milliCPU) return false;
  if (d.memory > 0 && d.memory > a.memory - r.memory) return false;
  for (const want of d.hostPorts) for (const have of info.ports) if (portsConflict(want, have)) return false;
  return true;
}

/** Filters that depend on what the node already holds; the reasons, empty when the pod fits. */
export function capacityReasons(d: Demand, info: NodeInfo): string[] {
  for (const want of d.hostPorts) {
    if (info.ports.some((have) => portsConflict(want, have))) return [Reasons.ports];
  }
  const out: string[] = [];
  const { allocatable: a, requested: r } = info;
  if (r.pods + 1 > a.pods) out.push(Reasons.tooManyPods);
  if (d.milliCPU > 0 && d.milliCPU > a.milliCPU - r.milliCPU) out.push(Reasons.cpu);
  if (d.memory > 0 && d.memory > a.memory - r.memory) out.push(Reasons.memory);
  return out;
}

/** Every reason the node cannot take the pod; empty when it can. */
export function filterReasons(pod: Pod, d: Demand, info: NodeInfo): string[] {
  const s = staticReason(pod, info);
  return s ? [s] : capacityReasons(d, info);
}
