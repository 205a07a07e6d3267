/**
 * Node lifecycle decisions (pure), as Kubernetes' node lifecycle controller. A node not heard
 * from (no heartbeat seen) for `graceMs` gets Ready=Unknown, reason NodeStatusUnknown, and the
 * taint node.kubernetes.io/unreachable:NoExecute. Once it has been so for `evictionMs`, its pods
 * (except those tolerating the taint) are evicted: force-deleted so that their controllers
 * replace them elsewhere. A fresh heartbeat makes it Ready again and removes the taint, unless
 * the agent itself reports Ready=False (a node whose pod network is not ready, NetworkNotReady):
 * that condition is the agent's, and a heartbeat keeps it.
 *
 * A silence the controller could not observe (until `unobservedUntil`: it had just begun to
 * follow the heartbeats, or their bucket did not answer) is no news either way: for `graceMs`
 * after it, a node is neither called unreachable nor made Ready; only a heartbeat does that.
 */
import type { Condition, Node, Pod, Stored, Taint } from '@wharf/model';
import { tolerated } from '@wharf/scheduler';

/** The taint of an unreachable node. */
export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';

/** What the decision needs. */
export interface LifecycleInput {
  node: Stored<Node>;
  /** When this controller last saw the node's heartbeat change (ms). */
  lastSeen: number;
  /** Until when the controller could not have heard a heartbeat (ms; default: it always could). */
  unobservedUntil?: number;
  now: number;
  graceMs: number;
  evictionMs: number;
  /** Pods bound to the node. */
  pods: readonly Stored<Pod>[];
}

/** The node to write (with NodeReadinessChanged) if any, the pods to evict, and when to look again. */
export interface LifecyclePlan {
  node?: Stored<Node>;
  evict: Stored<Pod>[];
  requeueAfterMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function readyCondition(n: Node): Condition | undefined {
  return n.status?.conditions?.find((c) => c.type === 'Ready');
}

function withReady(n: Stored<Node>, ready: Condition, taints: Taint[]): Stored<Node> {
  const conditions = [...(n.status?.conditions ?? []).filter((c) => c.type !== 'Ready'), ready];
  const spec = { ...(n.spec ?? {}) };
  if (taints.length) spec.taints = taints;
  else delete spec.taints;
  return { ...n, spec, status: { ...(n.status ?? {}), conditions } };
}

/** Plans one look at a node. */
export function planLifecycle({ node, lastSeen, unobservedUntil = 0, now, graceMs, evictionMs, pods }: LifecycleInput): LifecyclePlan {
  const ready = readyCondition(node);
  const taints = node.spec?.taints ?? [];
  const unreachable = taints.find((t) => t.key === UNREACHABLE_TAINT_KEY && t.effect === 'NoExecute');
  const fresh = now - lastSeen <= graceMs;
  // Not heard, but it could not have been lately: the node stays as it is until the grace ends.
  if (!fresh && now - unobservedUntil <= graceMs) return { evict: [], requeueAfterMs: Math.max(10, unobservedUntil + graceMs - now + 10) };
  if (fresh) {
    const requeueAfterMs = Math.max(10, lastSeen + graceMs - now + 10);
    if ((ready?.status === 'True' || ready?.status === 'False') && !unreachable) return { evict: [], requeueAfterMs };
    if (ready?.status === 'False') return { node: withReady(node, ready, taints.filter((t) => t !== unreachable)), evict: [], requeueAfterMs };
    const cond: Condition = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(lastSeen), lastTransitionTime: ready?.status === 'True' ? (ready.lastTransitionTime ?? iso(now)) : iso(now) };
    return { node: withReady(node, cond, taints.filter((t) => t !== unreachable)), evict: [], requeueAfterMs };
  }
  if (ready?.status === 'True' || !ready || !unreachable) {
    const since = ready && ready.status !== 'True' ? (ready.lastTransitionTime ?? iso(now)) : iso(now);
    const cond: Condition = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(lastSeen), lastTransitionTime: since };
    const taint: Taint = { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: iso(now) };
    return { node: withReady(node, cond, [...taints.filter((t) => t !== unreachable), unreachable ?? taint]), evict: [], requeueAfterMs: evictionMs };
  }
  const since = Date.parse(unreachable.timeAdded ?? ready.lastTransitionTime ?? iso(now));
  const due = since + evictionMs - now;
  if (due > 0) return { evict: [], requeueAfterMs: due };
  const evict = pods.filter((p) => !tolerated(p.spec.tolerations, unreachable));
  return { evict, requeueAfterMs: evict.length ? 1000 : graceMs };
}
