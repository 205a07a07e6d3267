/**
 * Deletion as Kubernetes does it, on the one write path: the decisions (preconditions, graceful
 * pod deletion, the marks of namespaces and controllers) are the model's rules; this file reads
 * the projection, orders the steps of the flows that handle dependents first, and writes each
 * step through Objects.change. Protected namespaces cannot be deleted.
 */
import { checkPreconditions, ConflictError, controllerDeletion, type DeleteOptions, dependentsFinalizer, kindInfo, type KindInfo, type KObject, namespaceDeletion, NotFoundError, objectDeletion, podRelease } from '@wharf/model';
import type { Objects, Projection, WriteContext } from '@wharf/store';

export type { DeleteOptions } from '@wharf/model';

const NamespaceInfo = kindInfo('Namespace')!;
const RCInfo = kindInfo('ReplicationController')!;
const PodInfo = kindInfo('Pod')!;

/**
 * Deletes one object; returns it as the deletion left it (marked, or with its final version). A
 * concurrent write (a reconciler's status update) is retried on the latest version; one that
 * breaks a precondition is a Conflict; an object gone on a retry was finished by a reconciler
 * (the garbage collector completing an orphan deletion), which is the outcome asked for.
 */
export async function deleteObject(objects: Objects, projection: Projection, info: KindInfo, ns: string | undefined, name: string, opts: DeleteOptions, actor: string, dryRun: boolean): Promise<KObject> {
  const current = projection.get(info.kind, ns, name);
  if (!current) throw new NotFoundError(info.resource, name);
  checkPreconditions(info.resource, current, opts.preconditions);
  if (dryRun) return current;
  const ctx: WriteContext = { actor };
  if (info.kind === 'Namespace') return deleteNamespace(objects, projection, current, ctx);
  if (info.kind === 'ReplicationController' && (opts.propagationPolicy === 'Orphan' || opts.propagationPolicy === 'Foreground')) {
    return deleteController(objects, projection, current, opts.propagationPolicy, ctx);
  }
  let seen: KObject = current;
  const nodeExists = (node: string) => !!projection.get('Node', undefined, node);
  const left = await objects.change(info, ns, name, (cur, now) => {
    if (!cur) return undefined;
    seen = cur;
    return objectDeletion(info, cur, opts, { now, nodeExists });
  }, ctx);
  return left ?? seen;
}

/** Removes the object's latest version as it is (with `edit` applied), when there still is one. */
async function removeLatest(objects: Objects, info: KindInfo, o: KObject, ctx: WriteContext, edit: (o: KObject) => KObject = (x) => x): Promise<KObject> {
  const { namespace, name } = o.metadata;
  const left = await objects.change(info, namespace, name, (cur) => (cur ? { object: edit(cur), type: `${info.kind}Deleted` } : undefined), ctx);
  return left ?? o;
}

/**
 * Deletes a ReplicationController with dependents handled first. Orphan: marks it (finalizer
 * `orphan`, so no reconciler acts on it), removes its controller ownerReference from each of its
 * pods, then removes it. Foreground: marks it (finalizer `foregroundDeletion`) and deletes its
 * pods; the garbage collector removes it once they are gone.
 */
async function deleteController(objects: Objects, projection: Projection, rc: KObject, policy: 'Orphan' | 'Foreground', ctx: WriteContext): Promise<KObject> {
  const { namespace, name, uid } = rc.metadata;
  const current = (await objects.change(RCInfo, namespace, name, (cur, now) => (cur ? controllerDeletion(cur, policy, now) : undefined), ctx)) ?? rc;
  const owned = projection.list('Pod', namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid));
  const release = { ...ctx, reason: `orphaned: replicationcontroller ${name} deleted with propagationPolicy=Orphan` };
  for (const p of owned) {
    const { namespace: podNs, name: pod, uid: podUid } = p.metadata;
    try {
      if (policy === 'Foreground') await deleteObject(objects, projection, PodInfo, podNs, pod, {}, ctx.actor, false);
      else await objects.change(PodInfo, podNs, pod, (cur) => (cur ? podRelease(cur, podUid, uid) : undefined), release);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  if (policy === 'Foreground') return current;
  const finalizer = dependentsFinalizer(policy);
  return removeLatest(objects, RCInfo, current, { ...ctx, reason: 'propagationPolicy=Orphan' }, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== finalizer) } }));
}

/** Marks a namespace Terminating, deletes its contents, and removes it once nothing is left. */
async function deleteNamespace(objects: Objects, projection: Projection, ns: KObject, ctx: WriteContext): Promise<KObject> {
  const marked = (await objects.change(NamespaceInfo, undefined, ns.metadata.name, (cur, now) => (cur ? namespaceDeletion(cur, now) : undefined), ctx)) ?? ns;
  return finishNamespace(objects, projection, marked, ctx.actor);
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
  return removeLatest(objects, NamespaceInfo, ns, { actor });
}
