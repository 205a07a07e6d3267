import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../errors.js';
import { mustKind } from '../kinds.js';
import type { KObject } from '../object.js';
import type { Pod } from '../schemas/pod.js';
import { checkPreconditions, controllerDeletion, namespaceDeletion, objectDeletion, podDeletion, podRelease } from './deletion.js';

const now = new Date('2025-01-01T10:00:00.123Z');
const pod = (o: { nodeName?: string; grace?: number; phase?: NonNullable<Pod['status']>['phase']; deletionTimestamp?: string } = {}): Pod & KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '7', ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}) },
  spec: { containers: [{ name: 'c', image: 'x' }], ...(o.nodeName ? { nodeName: o.nodeName } : {}), ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}) },
  ...(o.phase ? { status: { phase: o.phase } } : {}),
});
const anyNode = { now, nodeExists: () => true };

describe('podDeletion: graceful pod deletion', () => {
  it('given a running pod on an existing node, marks it for its agent: deletionTimestamp now + grace', () => {
    const d = podDeletion(pod({ nodeName: 'n1', grace: 20 }), { now, nodeExists: true });
    expect(d?.type).toBe('PodDeletionRequested');
    expect(d?.object.metadata).toMatchObject({ deletionTimestamp: '2025-01-01T10:00:20Z', deletionGracePeriodSeconds: 20 });
  });

  it('given no grace period anywhere, gives 30 s; a requested one wins over the pod\'s', () => {
    expect(podDeletion(pod({ nodeName: 'n1' }), { now, nodeExists: true })?.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(podDeletion(pod({ nodeName: 'n1', grace: 20 }), { now, nodeExists: true, gracePeriodSeconds: 5 })?.object.metadata.deletionGracePeriodSeconds).toBe(5);
  });

  it('given an unbound pod, a missing node, a finished pod, grace 0 or force, removes it at once', () => {
    const cases: [Pod & KObject, boolean, { gracePeriodSeconds?: number; force?: boolean }][] = [
      [pod(), true, {}],
      [pod({ nodeName: 'gone' }), false, {}],
      [pod({ nodeName: 'n1', phase: 'Succeeded' }), true, {}],
      [pod({ nodeName: 'n1', phase: 'Failed' }), true, {}],
      [pod({ nodeName: 'n1' }), true, { gracePeriodSeconds: 0 }],
      [pod({ nodeName: 'n1' }), true, { force: true }],
    ];
    for (const [p, nodeExists, o] of cases) {
      const d = podDeletion(p, { now, nodeExists, ...o });
      expect(d?.type).toBe('PodDeleted');
      expect(d?.object.metadata).toMatchObject({ deletionTimestamp: '2025-01-01T10:00:00Z', deletionGracePeriodSeconds: 0 });
    }
  });

  it('given a pod already terminating, writes nothing for a graceful deletion, and keeps its deletionTimestamp when forced', () => {
    const marked = pod({ nodeName: 'n1', deletionTimestamp: '2025-01-01T09:59:00Z' });
    expect(podDeletion(marked, { now, nodeExists: true })).toBeUndefined();
    expect(podDeletion(marked, { now, nodeExists: true, force: true })?.object.metadata.deletionTimestamp).toBe('2025-01-01T09:59:00Z');
  });
});

describe('objectDeletion: the DELETE of one object', () => {
  it('given a running pod, marks it with the grace period as the reason', () => {
    expect(objectDeletion(mustKind('Pod'), pod({ nodeName: 'n1' }), {}, anyNode)).toMatchObject({ type: 'PodDeletionRequested', reason: 'graceful deletion, 30s' });
  });

  it('given a pod whose node is gone, removes it; the lookup gets the pod\'s node name', () => {
    const asked: string[] = [];
    const d = objectDeletion(mustKind('Pod'), pod({ nodeName: 'n9' }), {}, { now, nodeExists: (n) => (asked.push(n), false) });
    expect(d?.type).toBe('PodDeleted');
    expect(asked).toEqual(['n9']);
  });

  it('given any other kind, removes it, naming the propagation policy when there is one', () => {
    const svc: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default', uid: 'u' } };
    expect(objectDeletion(mustKind('Service'), svc, {}, anyNode)).toEqual({ type: 'ServiceDeleted', object: { ...svc, metadata: { ...svc.metadata, deletionTimestamp: '2025-01-01T10:00:00Z', deletionGracePeriodSeconds: 0 } } });
    expect(objectDeletion(mustKind('Service'), svc, { propagationPolicy: 'Background' }, anyNode)?.reason).toBe('propagationPolicy=Background');
  });

  it('given preconditions that do not match, refuses with a Conflict naming both values', () => {
    const p = pod({ nodeName: 'n1' });
    expect(() => objectDeletion(mustKind('Pod'), p, { preconditions: { uid: 'other' } }, anyNode)).toThrow(/Precondition failed: UID in precondition: other, UID in object meta: u1/);
    expect(() => objectDeletion(mustKind('Pod'), p, { preconditions: { resourceVersion: '6' } }, anyNode)).toThrow(ConflictError);
    expect(() => checkPreconditions('pods', p, { uid: 'u1', resourceVersion: '7' })).not.toThrow();
  });
});

describe('namespace and controller deletion marks', () => {
  const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, status: { phase: 'Active' } };
  const rc: KObject = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default', uid: 'rc1', finalizers: ['x'] }, spec: {} };

  it('given a namespace, marks it Terminating once; a protected one is Forbidden', () => {
    const d = namespaceDeletion(ns, now);
    expect(d).toMatchObject({ type: 'NamespaceDeletionRequested', object: { metadata: { deletionTimestamp: '2025-01-01T10:00:00Z' }, status: { phase: 'Terminating' } } });
    expect(namespaceDeletion(d!.object, now)).toBeUndefined();
    expect(() => namespaceDeletion({ ...ns, metadata: { name: 'kube-system' } }, now)).toThrow(ForbiddenError);
  });

  it('given a controller deleted with Orphan or Foreground, adds the policy\'s finalizer once', () => {
    expect(controllerDeletion(rc, 'Orphan', now)).toMatchObject({ type: 'ReplicationControllerDeletionRequested', reason: 'propagationPolicy=Orphan', object: { metadata: { finalizers: ['x', 'orphan'] } } });
    const fg = controllerDeletion(rc, 'Foreground', now)!;
    expect(fg.object.metadata.finalizers).toEqual(['x', 'foregroundDeletion']);
    expect(controllerDeletion(fg.object, 'Foreground', now)).toBeUndefined();
  });

  it('given an orphaned pod, drops only that owner\'s reference, and leaves a pod of another uid alone', () => {
    const owned = { ...pod(), metadata: { ...pod().metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'rc1', controller: true }, { apiVersion: 'v1', kind: 'X', name: 'y', uid: 'other' }] } };
    expect(podRelease(owned, 'u1', 'rc1')).toMatchObject({ type: 'PodReleased', object: { metadata: { ownerReferences: [{ uid: 'other' }] } } });
    expect(podRelease(owned, 'u2', 'rc1')).toBeUndefined();
  });
});
