/**
 * Deletion as Kubernetes does it: a pod running on a node is first marked (deletionTimestamp,
 * "Terminating") and removed by its agent once its containers are gone; everything else, and a
 * forced deletion, goes at once. Protected namespaces cannot be deleted.
 */
import { ConflictError, ForbiddenError, kindInfo, type KindInfo, type KObject, NotFoundError, rvOf } from '@wharf/model';
import type { Objects, Projection } from '@wharf/store';
import { timestamp, timestampIn } from './prepare.js';

/** Kubernetes DeleteOptions, from the query string or the body. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const PROTECTED = new Set(['default', 'kube-system', 'kube-public']);

type PodLike = KObject & { spec: { nodeName?: string; terminationGracePeriodSeconds?: number }; status?: { phase?: string } };

/**
 * Deletes one object; returns it as the deletion left it (marked, or with its final version).
 * A concurrent write (a reconciler's status update) is retried on the latest version, unless the
 * caller gave a resourceVersion precondition.
 */
export async function deleteObject(objects: Objects, projection: Projection, info: KindInfo, ns: string | undefined, name: string, opts: DeleteOptions, actor: string, dryRun: boolean): Promise<KObject> {
  let seen: KObject | undefined;
  for (let attempt = 0; ; attempt++) {
    seen = projection.get(info.kind, ns, name) ?? seen;
    try {
      return await deleteOnce(objects, projection, info, ns, name, opts, actor, dryRun);
    } catch (e) {
      // Gone on a retry: a reconciler finished the deletion this request started (for example
      // the garbage collector completing an orphan deletion). That is the outcome asked for.
      if (e instanceof NotFoundError && attempt > 0 && seen) return seen;
      if (!(e instanceof ConflictError) || opts.preconditions?.resourceVersion || attempt >= 8) throw e;
      await projection.sync();
    }
  }
}

async function deleteOnce(objects: Objects, projection: Projection, info: KindInfo, ns: string | undefined, name: string, opts: DeleteOptions, actor: string, dryRun: boolean): Promise<KObject> {
  const current = projection.get(info.kind, ns, name);
  if (!current) throw new NotFoundError(info.resource, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) throw new ConflictError(info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw new ConflictError(info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
  if (dryRun) return current;
  const ctx = { actor };
  if (info.kind === 'Namespace') return deleteNamespace(objects, projection, current, actor);
  if (info.kind === 'Pod') {
    const pod = current as PodLike;
    const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const node = pod.spec.nodeName ? projection.get('Node', undefined, pod.spec.nodeName) : undefined;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (node && grace > 0 && !finished) {
      if (pod.metadata.deletionTimestamp) return current;
      const marked: KObject = {
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: timestampIn(grace), deletionGracePeriodSeconds: grace },
      };
      return objects.update(info, marked, rvOf(current), 'PodDeletionRequested', { ...ctx, reason: `graceful deletion, ${grace}s` });
    }
  }
  if (info.kind === 'ReplicationController' && (opts.propagationPolicy === 'Orphan' || opts.propagationPolicy === 'Foreground')) {
    return deleteController(objects, projection, current, opts.propagationPolicy, actor);
  }
  const final: KObject = { ...current, metadata: { ...current.metadata, deletionTimestamp: current.metadata.deletionTimestamp ?? timestamp(), deletionGracePeriodSeconds: 0 } };
  const reason = opts.propagationPolicy ? `propagationPolicy=${opts.propagationPolicy}` : undefined;
  return objects.remove(info, final, rvOf(current), reason ? { ...ctx, reason } : ctx);
}

/**
 * Deletes a ReplicationController with dependents handled first. Orphan: marks it (finalizer
 * `orphan`, so no reconciler acts on it), removes its controller ownerReference from each of its
 * pods, then removes it. Foreground: marks it (finalizer `foregroundDeletion`) and deletes its
 * pods; the garbage collector removes it once they are gone.
 */
async function deleteController(objects: Objects, projection: Projection, rc: KObject, policy: 'Orphan' | 'Foreground', actor: string): Promise<KObject> {
  const info = kindInfo('ReplicationController')!;
  const podInfo = kindInfo('Pod')!;
  const finalizer = policy === 'Orphan' ? 'orphan' : 'foregroundDeletion';
  let current = rc;
  if (!rc.metadata.deletionTimestamp) {
    const marked = { ...rc, metadata: { ...rc.metadata, deletionTimestamp: timestamp(), finalizers: [...(rc.metadata.finalizers ?? []), finalizer] } };
    current = await objects.update(info, marked, rvOf(rc), 'ReplicationControllerDeletionRequested', { actor, reason: `propagationPolicy=${policy}` });
  }
  const uid = rc.metadata.uid;
  const owned = projection.list('Pod', rc.metadata.namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid));
  for (const p of owned) {
    try {
      if (policy === 'Foreground') await deleteObject(objects, projection, podInfo, p.metadata.namespace, p.metadata.name, {}, actor, false);
      else {
        await objects.mutate(podInfo, p.metadata.namespace, p.metadata.name, (cur) => {
          if (cur.metadata.uid !== p.metadata.uid) return undefined;
          const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          return { object: { ...cur, metadata: { ...cur.metadata, ownerReferences: refs } }, type: 'PodReleased' };
        }, { actor, reason: `orphaned: replicationcontroller ${rc.metadata.name} deleted with propagationPolicy=Orphan` });
      }
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  if (policy === 'Foreground') return current;
  const latest = projection.get(info.kind, rc.metadata.namespace, rc.metadata.name) ?? current;
  return objects.remove(info, { ...latest, metadata: { ...latest.metadata, finalizers: (latest.metadata.finalizers ?? []).filter((f) => f !== 'orphan') } }, rvOf(latest), { actor, reason: 'propagationPolicy=Orphan' });
}

/** Marks a namespace Terminating, deletes its contents, and removes it once nothing is left. */
async function deleteNamespace(objects: Objects, projection: Projection, ns: KObject, actor: string): Promise<KObject> {
  const name = ns.metadata.name;
  if (PROTECTED.has(name)) throw new ForbiddenError(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
  let current = ns;
  if (!ns.metadata.deletionTimestamp) {
    const marked = { ...ns, metadata: { ...ns.metadata, deletionTimestamp: timestamp() }, status: { phase: 'Terminating' } };
    current = await objects.update(kindInfo('Namespace')!, marked, rvOf(ns), 'NamespaceDeletionRequested', { actor });
  }
  return finishNamespace(objects, projection, current, actor);
}

/** Deletes what is left in a Terminating namespace; removes the namespace when it is empty. */
export async function finishNamespace(objects: Objects, projection: Projection, ns: KObject, actor: string): Promise<KObject> {
  const name = ns.metadata.name;
  let remaining = 0;
  for (const kind of ['ReplicationController', 'Service', 'Endpoints', 'Event', 'Pod'] as const) {
    const info = kindInfo(kind)!;
    for (const o of projection.list(kind, name)) {
      try {
        const left = await deleteObject(objects, projection, info, name, o.metadata.name, {}, actor, false);
        if (projection.get(kind, name, left.metadata.name)) remaining++;
      } catch (e) {
        if (!(e instanceof NotFoundError) && !(e instanceof ConflictError)) throw e;
        remaining++;
      }
    }
  }
  if (remaining > 0) return projection.get('Namespace', undefined, name) ?? ns;
  const latest = projection.get('Namespace', undefined, name);
  if (!latest) return ns;
  return objects.remove(kindInfo('Namespace')!, latest, rvOf(latest), { actor });
}
