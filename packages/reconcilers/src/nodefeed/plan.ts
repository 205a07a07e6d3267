/**
 * The node feed reconciler's decision (pure): given the pod as the log shows it now and the
 * feed entries that carry it, which puts and removals make the feeds show the log. A put or a
 * removal is compare-and-set on the resourceVersion, so replaying a plan is harmless.
 */
import { type Pod, rvOf, type Stored } from '@wharf/model';

/** A live (not tombstoned) feed entry of the pod on one node. */
export interface FeedCopy {
  node: string;
  resourceVersion: number;
}

/** What to write: the pod onto its node's feed, and tombstones on the other nodes. */
export interface FeedPlan {
  put?: { node: string; pod: Stored<Pod> };
  remove: { node: string; resourceVersion: number }[];
}

/**
 * Plans the feeds of one pod. `pod` is the pod now (undefined when deleted); `copies` are the
 * live feed entries naming it; `stateSeq` is the log sequence the projection has folded, which
 * stamps the tombstone of a deleted pod (it is newer than any version the pod had).
 */
export function planFeed(pod: Stored<Pod> | undefined, copies: readonly FeedCopy[], stateSeq: number): FeedPlan {
  const node = pod?.spec.nodeName;
  const rv = pod ? rvOf(pod) : 0;
  const plan: FeedPlan = { remove: [] };
  if (pod && node) {
    const have = copies.find((c) => c.node === node);
    if (!have || have.resourceVersion < rv) plan.put = { node, pod };
  }
  for (const c of copies) {
    if (c.node === node) continue;
    const stamp = pod ? rv : stateSeq;
    if (stamp > c.resourceVersion) plan.remove.push({ node: c.node, resourceVersion: stamp });
  }
  return plan;
}
