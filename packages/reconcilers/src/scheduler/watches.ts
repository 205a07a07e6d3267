/**
 * Which pods the scheduler looks at again when the projection changes (pure): a pod that needs
 * scheduling; every pending pod when a node changes in a way that matters, or when a bound pod
 * frees its resources (deleted, finished, or moved).
 */
import { isDeepStrictEqual } from 'node:util';
import { type Change, isChangeOf, listObjects, type Node, type Pod, type State } from '@wharf/model';
import { objectKey } from '../controller/keys.js';
import { isFinished, needsScheduling } from '@wharf/scheduler';

const pendingMemo = new WeakMap<State, string[]>();

/** Keys of every pod in `state` that needs scheduling (memoized per state). */
export function pendingPodKeys(state: State, schedulerName?: string): string[] {
  let keys = pendingMemo.get(state);
  if (!keys) {
    keys = listObjects(state, 'Pod')
      .filter((p) => needsScheduling(p, schedulerName))
      .map((p) => objectKey('Pod', p.metadata.namespace, p.metadata.name));
    pendingMemo.set(state, keys);
  }
  return keys;
}

function holds(p: Pod | undefined): p is Pod {
  return !!p && !!p.spec.nodeName && !isFinished(p);
}

/** Maps a pod change to the pods to schedule. */
export function podWatch(schedulerName?: string) {
  return (c: Change, state: State): string[] | undefined => {
    if (!isChangeOf(c, 'Pod')) return undefined;
    const pod = c.type === 'DELETED' ? undefined : c.object;
    const prev = c.previous;
    if (holds(prev) && !(holds(pod) && pod.spec.nodeName === prev.spec.nodeName)) return pendingPodKeys(state, schedulerName);
    if (pod && needsScheduling(pod, schedulerName)) return [objectKey('Pod', pod.metadata.namespace, pod.metadata.name)];
    return undefined;
  };
}

/** What of a node the scheduler decides on (undefined for no node); heartbeat times and addresses are left out. */
export function nodeSchedulingFacts(n: Node | undefined): readonly unknown[] | undefined {
  if (!n) return undefined;
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return [n.metadata.labels ?? {}, n.spec ?? {}, n.status?.allocatable ?? {}, n.status?.capacity ?? {}, ready];
}

/** Maps a node change that matters to every pending pod. */
export function nodeWatch(schedulerName?: string) {
  return (c: Change, state: State): string[] | undefined => {
    if (!isChangeOf(c, 'Node')) return undefined;
    const now = c.type === 'DELETED' ? undefined : c.object;
    if (isDeepStrictEqual(nodeSchedulingFacts(now), nodeSchedulingFacts(c.previous))) return undefined;
    return pendingPodKeys(state, schedulerName);
  };
}
