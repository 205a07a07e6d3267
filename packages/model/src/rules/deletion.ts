/**
 * Deletion as Kubernetes decides it, shared by the API server and the reconcilers: preconditions,
 * graceful pod deletion (a pod running on a node is first marked, and its agent removes it once
 * its containers are gone), the marks of Namespaces and ReplicationControllers whose dependents go
 * first, and the release of orphaned pods. Pure: time comes in as `now`.
 */
import { ConflictError, ForbiddenError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import type { KObject } from '../object.js';
import type { Pod } from '../schemas/pod.js';
import { type Decision, timestamp } from './decision.js';

/** The last instant a timestamp can name (year 9999): a deadline past it, from a huge grace period, is that one. */
const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Kubernetes DeleteOptions, from the query string or the body. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The namespaces that can never be deleted. */
export const PROTECTED_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** The grace period of a pod's deletion when nobody asked for one: the pod's own, else 30 s. */
export const DEFAULT_GRACE_SECONDS = 30;

/** Throws ConflictError when `current` is not the object the preconditions name (uid, resourceVersion). */
export function checkPreconditions(resource: string, current: KObject, pre: DeleteOptions['preconditions']): void {
  const md = current.metadata;
  if (pre?.uid && pre.uid !== md.uid) throw new ConflictError(resource, md.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${md.uid}`);
  if (pre?.resourceVersion && pre.resourceVersion !== md.resourceVersion) {
    throw new ConflictError(resource, md.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${md.resourceVersion}`);
  }
}

/** The object as its final event records it: marked deleted now (or when its deletion began), with no grace left. */
export function removed(o: KObject, now: Date): KObject {
  return { ...o, metadata: { ...o.metadata, deletionTimestamp: o.metadata.deletionTimestamp ?? timestamp(now), deletionGracePeriodSeconds: 0 } };
}

/** What decides a pod's deletion besides the pod. */
export interface PodDeletionFacts {
  now: Date;
  /** The pod's node exists, so an agent is there to stop the pod. */
  nodeExists: boolean;
  /** The grace period the request asked for (default: the pod's terminationGracePeriodSeconds, else 30). */
  gracePeriodSeconds?: number | undefined;
  /** Remove at once, whatever the grace period. */
  force?: boolean;
}

/**
 * Graceful pod deletion: a pod bound to an existing node, not finished, with a grace period above
 * 0 is marked (deletionTimestamp now + grace, PodDeletionRequested) for its agent to stop, or left
 * as it is when it is marked already (undefined). Anything else, or `force`, is removed at once.
 */
export function podDeletion(pod: Pod & KObject, f: PodDeletionFacts): Decision | undefined {
  const grace = f.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (f.force || !f.nodeExists || !pod.spec.nodeName || grace <= 0 || finished) return { object: removed(pod, f.now), type: 'PodDeleted' };
  if (pod.metadata.deletionTimestamp) return undefined;
  const deletionTimestamp = timestamp(new Date(Math.min(f.now.getTime() + grace * 1000, LATEST_TIME)));
  return { object: { ...pod, metadata: { ...pod.metadata, deletionTimestamp, deletionGracePeriodSeconds: grace } }, type: 'PodDeletionRequested' };
}

/**
 * The DELETE of one object that needs no dependents handled first: preconditions, then graceful
 * deletion for pods (reason "graceful deletion, Ns"), else removal at once. Undefined: nothing to
 * write (a pod already terminating).
 */
export function objectDeletion(info: KindInfo, current: KObject, opts: DeleteOptions, facts: { now: Date; nodeExists: (name: string) => boolean }): Decision | undefined {
  checkPreconditions(info.resource, current, opts.preconditions);
  if (info.kind === 'Pod') {
    const pod = current as Pod & KObject;
    const d = podDeletion(pod, { now: facts.now, nodeExists: !!pod.spec.nodeName && facts.nodeExists(pod.spec.nodeName), gracePeriodSeconds: opts.gracePeriodSeconds });
    if (!d) return undefined;
    if (d.type === 'PodDeletionRequested') return { ...d, reason: `graceful deletion, ${d.object.metadata.deletionGracePeriodSeconds}s` };
  }
  const d: Decision = { object: removed(current, facts.now), type: `${info.kind}Deleted` };
  return opts.propagationPolicy ? { ...d, reason: `propagationPolicy=${opts.propagationPolicy}` } : d;
}

/** Marks a namespace Terminating (NamespaceDeletionRequested); undefined when it is already; Forbidden for a protected one. */
export function namespaceDeletion(ns: KObject, now: Date): Decision | undefined {
  if (PROTECTED_NAMESPACES.has(ns.metadata.name)) throw new ForbiddenError(`namespaces "${ns.metadata.name}" is forbidden: this namespace may not be deleted`);
  if (ns.metadata.deletionTimestamp) return undefined;
  return { object: { ...ns, metadata: { ...ns.metadata, deletionTimestamp: timestamp(now) }, status: { phase: 'Terminating' } }, type: 'NamespaceDeletionRequested' };
}

/** The finalizer that holds a ReplicationController while its dependents are orphaned or deleted first. */
export function dependentsFinalizer(policy: 'Orphan' | 'Foreground'): string {
  return policy === 'Orphan' ? 'orphan' : 'foregroundDeletion';
}

/**
 * Marks a ReplicationController whose pods go first (Orphan: released; Foreground: deleted) with
 * the policy's finalizer, so no reconciler acts on it meanwhile; undefined when it is marked already.
 */
export function controllerDeletion(rc: KObject, policy: 'Orphan' | 'Foreground', now: Date): Decision | undefined {
  if (rc.metadata.deletionTimestamp) return undefined;
  const finalizers = [...(rc.metadata.finalizers ?? []), dependentsFinalizer(policy)];
  return { object: { ...rc, metadata: { ...rc.metadata, deletionTimestamp: timestamp(now), finalizers } }, type: 'ReplicationControllerDeletionRequested', reason: `propagationPolicy=${policy}` };
}

/** Releases a pod from the owner with uid `ownerUid` (PodReleased), when `pod` is still the one with uid `podUid`. */
export function podRelease(pod: KObject, podUid: string | undefined, ownerUid: string | undefined): Decision | undefined {
  if (pod.metadata.uid !== podUid) return undefined;
  const ownerReferences = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { object: { ...pod, metadata: { ...pod.metadata, ownerReferences } }, type: 'PodReleased' };
}
