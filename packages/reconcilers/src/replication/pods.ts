/**
 * Facts about pods that the replication controller, the garbage collector and node lifecycle
 * share (pure): activity, controller references, selectors and readiness. How a pod is deleted is
 * the model's rule (podDeletion).
 */
import { matchesLabels, type OwnerReference, type Pod, selectorFromMap } from '@wharf/model';

/** True when the pod counts as a replica: not terminating and not Succeeded/Failed. */
export function isActive(p: Pod): boolean {
  const phase = p.status?.phase;
  return !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** True when the pod finished (Succeeded or Failed). */
export function isFinishedPod(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** The pod's controller ownerReference, if any. */
export function controllerOf(o: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True when `labels` match a selector map; an empty or missing selector matches nothing. */
export function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return matchesLabels(selectorFromMap(selector), labels);
}

/** True when the pod's Ready condition is True. */
export function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became Ready (ms), if it is ready. */
export function readySince(p: Pod): number | undefined {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  if (!c) return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** A Kubernetes timestamp (seconds precision). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
