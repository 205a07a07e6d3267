/**
 * Garbage collection decisions (pure). A pod whose controller ownerReference names a
 * ReplicationController that no longer exists (no object of that name, or one with another uid)
 * is garbage. A controller marked for deletion with the `orphan` finalizer first lets go of its
 * pods; with `foregroundDeletion` it first deletes them; either way it is removed once it owns none.
 */
import type { Pod, ReplicationController, Stored } from '@wharf/model';
import { controllerOf } from '../replication/pods.js';

/** The finalizers Kubernetes uses for `propagationPolicy` Orphan and Foreground. */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** True when the pod's controlling ReplicationController is gone. */
export function isGarbage(pod: Pod, owner: ReplicationController | undefined): boolean {
  const ref = controllerOf(pod);
  if (!ref || ref.kind !== 'ReplicationController') return false;
  return !owner || owner.metadata.uid !== ref.uid;
}

/** What to do for a controller marked for deletion. */
export interface FinalizePlan {
  /** Pods to let go of (orphan). */
  release: Stored<Pod>[];
  /** Pods to delete first (foreground). */
  delete: Stored<Pod>[];
  /** True once the controller owns no pods and may be removed. */
  remove: boolean;
}

/** Plans the finalization of a controller being deleted; undefined when it is not being deleted. */
export function planFinalize(rc: ReplicationController, pods: readonly Stored<Pod>[]): FinalizePlan | undefined {
  if (!rc.metadata.deletionTimestamp) return undefined;
  const owned = pods.filter((p) => controllerOf(p)?.uid === rc.metadata.uid);
  const finalizers = rc.metadata.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) return { release: owned, delete: [], remove: owned.length === 0 };
  return { release: [], delete: owned.filter((p) => !p.metadata.deletionTimestamp), remove: owned.length === 0 };
}
