/** The pod changes the scheduler writes (pure): a binding, and the Unschedulable condition. */
import type { Condition, Pod } from '@wharf/model';

function withCondition<P extends Pod>(pod: P, c: Condition): P {
  const conditions = (pod.status?.conditions ?? []).filter((x) => x.type !== c.type);
  return { ...pod, status: { ...(pod.status ?? {}), conditions: [...conditions, c] } };
}

/** The pod bound to `node`: spec.nodeName set and PodScheduled=True. */
export function boundPod<P extends Pod>(pod: P, node: string, now: Date): P {
  const p = withCondition(pod, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now.toISOString() });
  return { ...p, spec: { ...p.spec, nodeName: node } };
}

/** True when the pod already says PodScheduled=False, Unschedulable, with this message. */
export function showsUnschedulable(pod: Pod, message: string): boolean {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return c?.status === 'False' && c.reason === 'Unschedulable' && c.message === message;
}

/** The pod with PodScheduled=False, reason Unschedulable and kube-scheduler's message. */
export function unschedulablePod<P extends Pod>(pod: P, message: string, now: Date): P {
  return withCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: now.toISOString() });
}
