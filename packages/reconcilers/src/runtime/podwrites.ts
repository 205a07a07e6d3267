/** Pod deletion as reconcilers write it: graceful when an agent can stop the pod, else at once. */
import { type KObject, mustKind, type Pod } from '@wharf/model';
import type { Objects, Projection, WriteContext } from '@wharf/store';
import { podDeletion } from '../replication/pods.js';

const PodKind = mustKind('Pod');

/**
 * Deletes `pod` (the same uid only) as the API would: marks it for its agent when it is bound to
 * an existing node, removes it otherwise, or at once with `force`. Re-reads and retries on a
 * concurrent write; a pod already terminating is left alone unless `force`.
 */
export async function deletePod(objects: Objects, projection: Projection, pod: Pod, ctx: WriteContext, force = false): Promise<void> {
  await objects.mutate<KObject>(PodKind, pod.metadata.namespace, pod.metadata.name!, (cur) => {
    const p = cur as unknown as Pod;
    if (p.metadata.uid !== pod.metadata.uid) return undefined;
    if (p.metadata.deletionTimestamp && !force) return undefined;
    const nodeExists = !!p.spec.nodeName && !!projection.get('Node', undefined, p.spec.nodeName);
    return podDeletion(p, nodeExists, Date.now(), force);
  }, ctx);
}
