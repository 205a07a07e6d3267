/**
 * The replication controller's decision (pure): from one controller and the pods of its
 * namespace, what to adopt, release, create, claim for deletion, delete, and the status to show.
 *
 * Counting: the replicas are the active pods (not terminating, not finished) that the controller
 * owns and whose labels match, plus matching orphans it adopts, minus pods already claimed for
 * deletion in `status.deletingPods`.
 *
 * Creating: k missing replicas go to the k lowest slots in [0, replicas) that no active replica
 * holds. A slot whose name is still taken (a terminating pod) waits until it is free. Since
 * every instance targets slots below `replicas - (replicas outside the low slots)`, and a name can
 * exist only once, instances with different (older or newer) views never overshoot.
 *
 * Deleting: surplus replicas are chosen by `lessValuable` and must first be claimed on the
 * controller (a compare-and-set on its resourceVersion); finished pods are deleted to free
 * their slots.
 */
import { type Pod, type ReplicationController, sameJson, type Stored } from '@wharf/model';
import { slotName } from './names.js';
import { controllerOf, isActive, isFinishedPod, isReady, readySince, selects } from './pods.js';
import { victims } from './rank.js';

/** What the controller sees. */
export interface ReplicationInput {
  rc: Stored<ReplicationController>;
  /** The pods of the controller's namespace. */
  pods: readonly Stored<Pod>[];
  now: number;
}

/** What to do; `status` is set only when it differs from the stored one. */
export interface ReplicationPlan {
  adopt: Stored<Pod>[];
  release: Stored<Pod>[];
  /** Names of pods to create (slot names). */
  create: string[];
  /** Surplus replicas chosen now: record them in status.deletingPods first, then delete them. */
  claim: Stored<Pod>[];
  /** Pods to delete now: claimed earlier and not yet terminating, or finished. */
  delete: Stored<Pod>[];
  /** Missing replicas whose slot name is still held by a terminating pod. */
  blocked: number;
  status: ReplicationController['status'] | undefined;
}

type Status = NonNullable<ReplicationController['status']>;

/** True when the two statuses say the same (as stored: key order and undefined-valued keys aside). */
export function sameStatus(a: ReplicationController['status'], b: ReplicationController['status']): boolean {
  return sameJson(a ?? {}, b ?? {});
}

function computeStatus(rc: ReplicationController, active: Pod[], deleting: string[], now: number): Status {
  const tl = rc.spec.template?.metadata?.labels ?? {};
  const min = (rc.spec.minReadySeconds ?? 0) * 1000;
  const ready = active.filter(isReady);
  const s: Status = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => Object.entries(tl).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: ready.length,
    availableReplicas: ready.filter((p) => min === 0 || now - (readySince(p) ?? now) >= min).length,
  };
  if (rc.metadata.generation !== undefined) s.observedGeneration = rc.metadata.generation;
  if (rc.status?.conditions) s.conditions = rc.status.conditions;
  if (deleting.length) s.deletingPods = [...deleting].sort();
  return s;
}

/** Plans one reconcile of `rc`. */
export function planReplication({ rc, pods, now }: ReplicationInput): ReplicationPlan {
  const uid = rc.metadata.uid ?? '';
  const selector = rc.spec.selector;
  const replicas = rc.spec.replicas ?? 1;
  const terminating = !!rc.metadata.deletionTimestamp;
  const plan: ReplicationPlan = { adopt: [], release: [], create: [], claim: [], delete: [], blocked: 0, status: undefined };
  const mine: Stored<Pod>[] = [];
  for (const p of pods) {
    const ref = controllerOf(p);
    const matches = selects(selector, p.metadata.labels);
    if (ref?.uid === uid) {
      if (matches) mine.push(p);
      else if (!terminating) plan.release.push(p);
    } else if (!ref && matches && isActive(p) && !terminating) {
      plan.adopt.push(p);
      mine.push(p);
    }
  }
  const claimed = new Set(rc.status?.deletingPods ?? []);
  // A claim stays until its pod is seen terminating or gone; then isActive excludes it anyway.
  const stillClaimed = mine.filter((p) => claimed.has(p.metadata.uid ?? '') && isActive(p));
  const active = mine.filter((p) => isActive(p) && !claimed.has(p.metadata.uid ?? ''));
  let deleting = stillClaimed.map((p) => p.metadata.uid!);
  if (!terminating) {
    plan.delete.push(...stillClaimed, ...mine.filter((p) => isFinishedPod(p) && !p.metadata.deletionTimestamp));
    const diff = active.length - replicas;
    if (diff > 0) {
      plan.claim = victims(active, diff);
      deleting = [...deleting, ...plan.claim.map((p) => p.metadata.uid!)];
    } else if (diff < 0 && rc.spec.template) {
      plan.create = [];
      const held = new Set(active.map((p) => p.metadata.name));
      const mineNames = new Set(mine.map((p) => p.metadata.name));
      const taken = new Set(pods.map((p) => p.metadata.name));
      // A slot name taken by a pod this controller does not own (released, or someone else's)
      // is dead for good: skip it and extend the range by one.
      let wanted = -diff;
      for (let i = 0, end = replicas; i < end && wanted > 0; i++) {
        const n = slotName(rc.metadata.name, uid, i);
        if (held.has(n)) continue;
        if (!taken.has(n)) plan.create.push(n);
        else if (mineNames.has(n)) plan.blocked++;
        else {
          end++;
          continue;
        }
        wanted--;
      }
    }
  }
  const status = computeStatus(rc, active, deleting, now);
  if (!sameStatus(status, rc.status)) plan.status = status;
  return plan;
}

/** True when the plan changes nothing. */
export function isEmptyPlan(p: ReplicationPlan): boolean {
  return !p.adopt.length && !p.release.length && !p.create.length && !p.claim.length && !p.delete.length && !p.status;
}
