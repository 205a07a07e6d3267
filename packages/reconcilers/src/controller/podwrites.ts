/** Pod deletion as reconcilers write it: the model's graceful deletion rule, on the one write path. */
import { existing, type KObject, mustKind, type Pod, podDeletion } from '@wharf/model';
import type { Objects, Projection, WriteContext } from '@wharf/store';

const PodKind = mustKind('Pod');

/**
 * Deletes `pod` (the same uid only) as the API would: marks it for its agent when it is bound to
 * an existing node, removes it otherwise, or at once with `force`. Re-reads and decides again on
 * a concurrent write; a pod already terminating is left alone unless `force`. NotFound when the
 * pod is gone.
 */
export async function deletePod(objects: Objects, projection: Projection, pod: Pod, ctx: WriteContext, force = false): Promise<void> {
  const name = pod.metadata.name!;
  const decide = existing<Pod & KObject>(PodKind, name, (cur, now) => {
    if (cur.metadata.uid !== pod.metadata.uid) return undefined;
    if (cur.metadata.deletionTimestamp && !force) return undefined;
    const nodeExists = !!cur.spec.nodeName && !!projection.get('Node', undefined, cur.spec.nodeName);
    return podDeletion(cur, { now, nodeExists, force });
  });
  await objects.change(PodKind, pod.metadata.namespace, name, decide, ctx);
}
