/**
 * The scale-down order (pure), as Kubernetes' ActivePods: the least valuable pod first. Unbound
 * before bound, Pending before Unknown before Running, not ready before ready, ready for less
 * time first, more restarts first, newest first; the name breaks ties so every instance agrees.
 */
import type { Pod } from '@wharf/model';
import { isReady, readySince } from './pods.js';

const PHASE: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: Pod): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
}

function created(p: Pod): number {
  const t = p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0;
  return Number.isNaN(t) ? 0 : t;
}

/** Negative when `a` should be deleted before `b`. */
export function lessValuable(a: Pod, b: Pod): number {
  const bound = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (bound(a) !== bound(b)) return bound(a) - bound(b);
  const phase = (p: Pod) => PHASE[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isReady(a) && isReady(b)) {
    const ra = readySince(a) ?? 0;
    const rb = readySince(b) ?? 0;
    if (ra !== rb) return rb - ra; // ready more recently goes first
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  if (created(a) !== created(b)) return created(b) - created(a);
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** The `count` least valuable pods. */
export function victims<P extends Pod>(pods: readonly P[], count: number): P[] {
  return [...pods].sort(lessValuable).slice(0, Math.max(0, count));
}
