import { describe, expect, it } from 'vitest';
import { BadRequestError, InvalidError, type KindInfo, type KObject, mustKind, type Node, type Pod, type ReplicationController } from '@wharf/model';
import { sameObject, updateEventType } from './eventtype.js';
import { checkIdentity, prepareCreate, prepareStatus, prepareUpdate, timestamp } from './prepare.js';

const POD = mustKind('Pod');
const NODE = mustKind('Node');
const RC = mustKind('ReplicationController');

const podBody = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1', ...container }] },
  ...extra,
});

/** What the store holds after a create: the prepared object as JSON, at a resourceVersion. */
function stored(body: Record<string, unknown>, info: KindInfo = POD, resourceVersion = '7'): KObject {
  const { object } = prepareCreate(info, structuredClone(body), info.namespaced ? 'default' : undefined, 'Strict');
  return JSON.parse(JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion } })) as KObject;
}

function thrown<E extends Error>(type: new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

describe('timestamp', () => {
  it('given a time, writes RFC 3339 in UTC to the second', () => {
    expect(timestamp(new Date('2025-01-02T03:04:05.678Z'))).toBe('2025-01-02T03:04:05Z');
  });
});

describe('checkIdentity', () => {
  it('given a body without apiVersion, kind or metadata, fills them, with the namespace of the URL', () => {
    const body: Record<string, unknown> = {};
    checkIdentity(POD, body, 'team-a');
    expect(body).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'team-a' } });
  });

  it('given a cluster-scoped kind, drops any namespace from the body', () => {
    const body: Record<string, unknown> = { metadata: { name: 'n1', namespace: 'default' } };
    checkIdentity(NODE, body, undefined);
    expect(body.metadata).toEqual({ name: 'n1' });
  });

  it('given an empty namespace in the body, takes the URL\'s', () => {
    const body: Record<string, unknown> = { metadata: { namespace: '' } };
    checkIdentity(POD, body, 'team-a');
    expect(body.metadata).toEqual({ namespace: 'team-a' });
  });

  it('given the name of the URL and none in the body, fills it', () => {
    const body: Record<string, unknown> = {};
    checkIdentity(POD, body, 'default', 'web');
    expect(body.metadata).toEqual({ namespace: 'default', name: 'web' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another kind', { kind: 'Service' }, 'the kind in the data (Service) does not match the expected kind (Pod)'],
    ['another API version', { apiVersion: 'apps/v1' }, 'the API version in the data (apps/v1) does not match the expected API version (v1)'],
    ['metadata that is no object', { metadata: ['web'] }, 'metadata must be an object'],
    ['another namespace', { metadata: { namespace: 'other' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
    ['another name', { metadata: { name: 'api' } }, 'the name of the object (api) does not match the name on the URL (web)'],
  ])('given a body with %s than the URL, rejects it as a 400 BadRequest', (_what, body, message) => {
    const e = thrown(BadRequestError, () => checkIdentity(POD, body, 'default', 'web'));
    expect(e.code).toBe(400);
    expect(e.message).toBe(message);
  });
});

describe('prepareCreate', () => {
  it('given a pod, stamps the server-owned metadata, drops what the client may not set, and applies defaults', () => {
    const body = podBody({ metadata: { name: 'web', uid: 'mine', resourceVersion: '99', generation: 5, deletionTimestamp: '2020-01-01T00:00:00Z', deletionGracePeriodSeconds: 3, managedFields: [{}] }, status: { phase: 'Running' } });
    const { object, warnings } = prepareCreate(POD, body, 'default', 'Strict');
    const m = object.metadata;
    expect(m.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m).toMatchObject({ name: 'web', namespace: 'default', generation: 1 });
    for (const f of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields'] as const) expect(m).not.toHaveProperty(f);
    expect(object.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect((object as Pod).spec.restartPolicy).toBe('Always');
    expect(warnings).toEqual([]);
  });

  it('given two creates of one body, gives each its own uid', () => {
    expect(prepareCreate(POD, podBody(), 'default', 'Strict').object.metadata.uid).not.toBe(prepareCreate(POD, podBody(), 'default', 'Strict').object.metadata.uid);
  });

  it('given generateName and no name, names the object with the prefix and five random characters', () => {
    const { object } = prepareCreate(POD, podBody({ metadata: { generateName: 'web-' } }), 'default', 'Strict');
    expect(object.metadata.name).toMatch(/^web-[0-9a-f]{5}$/);
  });

  it('given both a name and generateName, keeps the name', () => {
    expect(prepareCreate(POD, podBody({ metadata: { name: 'web', generateName: 'x-' } }), 'default', 'Strict').object.metadata.name).toBe('web');
  });

  it('given a pod with neither name nor generateName, rejects it as Invalid', () => {
    const e = thrown(InvalidError, () => prepareCreate(POD, podBody({ metadata: {} }), 'default', 'Strict'));
    expect(e.causes).toEqual([{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'name or generateName is required' }]);
  });

  it('given a pod that breaks a semantic rule, rejects it as Invalid naming the field', () => {
    const body = podBody({ spec: { containers: [{ name: 'app', image: 'a' }, { name: 'app', image: 'b' }] } });
    const e = thrown(InvalidError, () => prepareCreate(POD, body, 'default', 'Strict'));
    expect(e.code).toBe(422);
    expect(e.causes.map((c) => `${c.reason} ${c.field}`)).toEqual(['FieldValueDuplicate spec.containers[1].name']);
  });

  it('given an unknown field, rejects it when Strict and drops it with a warning when Warn', () => {
    expect(() => prepareCreate(POD, podBody({}, { imagePullPolcy: 'Always' }), 'default', 'Strict')).toThrow(InvalidError);
    const { object, warnings } = prepareCreate(POD, podBody({}, { imagePullPolcy: 'Always' }), 'default', 'Warn');
    expect(warnings).toEqual(['unknown field "spec.containers[0].imagePullPolcy"']);
    expect((object as Pod).spec.containers[0]!.imagePullPolicy).toBe('IfNotPresent');
  });

  it('given a node, keeps the status it registers with', () => {
    const body = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: {}, status: { capacity: { cpu: '2' } } };
    expect((prepareCreate(NODE, body, undefined, 'Strict').object as Node).status).toMatchObject({ capacity: { cpu: '2' } });
  });

  it('given a controller, defaults its selector from the template and validates the result', () => {
    const body = { kind: 'ReplicationController', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } } };
    const rc = prepareCreate(RC, body, 'default', 'Strict').object as ReplicationController;
    expect(rc.spec).toMatchObject({ replicas: 1, selector: { app: 'web' } });
    expect(rc.status).toEqual({ replicas: 0 });
  });
});

describe('prepareUpdate', () => {
  it('given an update, keeps uid, creationTimestamp and generation from the stored object when the spec is the same', () => {
    const current = stored(podBody());
    const { object } = prepareUpdate(POD, podBody({ metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, creationTimestamp: '2000-01-01T00:00:00Z' } }), current, 'Strict');
    expect(object.metadata).toMatchObject({ uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, generation: 1, labels: { app: 'web', tier: 'front' } });
  });

  it('given another uid than the stored one, rejects it as Invalid: the uid is immutable', () => {
    const current = stored(podBody());
    const e = thrown(InvalidError, () => prepareUpdate(POD, podBody({ metadata: { name: 'web', uid: 'other' } }), current, 'Strict'));
    expect(e.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'metadata.uid', message: 'Invalid value: "other": field is immutable' }]);
  });

  it('given a body under another name than the stored object, rejects it as a BadRequest', () => {
    expect(() => prepareUpdate(POD, podBody({ metadata: { name: 'api' } }), stored(podBody()), 'Strict')).toThrow(BadRequestError);
  });

  it('given a pod update that changes an image, accepts it and moves the generation', () => {
    const current = stored(podBody());
    const { object } = prepareUpdate(POD, podBody({}, { image: 'nginx:2' }), current, 'Strict');
    expect((object as Pod).spec.containers[0]!.image).toBe('nginx:2');
    expect(object.metadata.generation).toBe(2);
  });

  it('given a pod update that only reorders the keys of its nodeSelector, accepts it and keeps the generation', () => {
    const current = stored(podBody({ spec: { nodeSelector: { disk: 'ssd', zone: 'a' }, containers: [{ name: 'app', image: 'nginx:1' }] } }));
    const { object } = prepareUpdate(POD, podBody({ spec: { nodeSelector: { zone: 'a', disk: 'ssd' }, containers: [{ name: 'app', image: 'nginx:1' }] } }), current, 'Strict');
    expect(object.metadata.generation).toBe(1);
  });

  it('given a pod update that changes anything else in the spec, forbids it', () => {
    const current = stored(podBody());
    const e = thrown(InvalidError, () => prepareUpdate(POD, podBody({}, { ports: [{ containerPort: 80 }] }), current, 'Strict'));
    expect(e.causes).toEqual([{ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`' }]);
  });

  it('given a pod update with a status, keeps the stored status: only /status changes it', () => {
    const current = { ...stored(podBody()), status: { phase: 'Running', podIP: '10.0.0.9' } } as KObject;
    const { object } = prepareUpdate(POD, podBody({ status: { phase: 'Failed' } }), current, 'Strict');
    expect(object.status).toEqual({ phase: 'Running', podIP: '10.0.0.9' });
  });

  it('given a node update with a status, takes it, since the agent owns the node', () => {
    const body = (cpu: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: {}, status: { capacity: { cpu } } });
    const { object } = prepareUpdate(NODE, body('4'), stored(body('2'), NODE), 'Strict');
    expect((object as Node).status?.capacity).toEqual({ cpu: '4' });
  });

  it('given a node, lets an update give it a pod CIDR once (mirrored into podCIDRs), and never change or drop it after, as Kubernetes', () => {
    const body = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec });
    const { object } = prepareUpdate(NODE, body({ podCIDR: '10.244.1.0/24' }), stored(body({}), NODE), 'Strict');
    expect((object as Node).spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    const assigned = stored(body({ podCIDR: '10.244.1.0/24' }), NODE);
    expect(prepareUpdate(NODE, body({ podCIDR: '10.244.1.0/24', unschedulable: true }), assigned, 'Strict').object.spec).toMatchObject({ unschedulable: true });
    const forbidden = [{ reason: 'FieldValueForbidden', field: 'spec.podCIDRs', message: 'Forbidden: node updates may not change podCIDR except from "" to valid' }];
    expect(thrown(InvalidError, () => prepareUpdate(NODE, body({ podCIDR: '10.244.2.0/24' }), assigned, 'Strict')).causes).toEqual(forbidden);
    expect(thrown(InvalidError, () => prepareUpdate(NODE, body({}), assigned, 'Strict')).causes).toEqual(forbidden);
  });

  it('given a controller whose replicas change, moves the generation by one', () => {
    const rc = (replicas: number) => ({ kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } } });
    const current = stored(rc(1), RC);
    expect(prepareUpdate(RC, rc(3), { ...current, metadata: { ...current.metadata, generation: 4 } }, 'Strict').object.metadata.generation).toBe(5);
  });

  it('given a controller whose selector and template labels only change key order, keeps the generation', () => {
    const rc = (labels: Record<string, string>) => ({ kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas: 2, selector: labels, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } } });
    const current = stored(rc({ app: 'web', tier: 'front' }), RC);
    expect(prepareUpdate(RC, rc({ tier: 'front', app: 'web' }), current, 'Strict').object.metadata.generation).toBe(1);
  });

  it('given an object being deleted, keeps its deletionTimestamp and grace period whatever the body says', () => {
    const base = stored(podBody());
    const current = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } };
    const { object } = prepareUpdate(POD, podBody({ metadata: { name: 'web', deletionTimestamp: null, deletionGracePeriodSeconds: 0 } }), current, 'Strict');
    expect(object.metadata).toMatchObject({ deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
  });

  it('given a live object, drops a deletionTimestamp or grace period the client sent: only a delete sets them', () => {
    const { object } = prepareUpdate(POD, podBody({ metadata: { name: 'web', deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 } }), stored(podBody()), 'Strict');
    expect(object.metadata).not.toHaveProperty('deletionTimestamp');
    expect(object.metadata).not.toHaveProperty('deletionGracePeriodSeconds');
  });
});

describe('prepareStatus', () => {
  it('given a status update, takes only the status: spec and metadata stay as stored', () => {
    const current = stored(podBody());
    const body = podBody({ metadata: { name: 'web', labels: { hacked: 'yes' } }, spec: { containers: [{ name: 'other', image: 'evil' }] }, status: { phase: 'Running', podIP: '10.0.0.2' } });
    const object = prepareStatus(POD, body, current, 'Strict');
    expect(object.status).toEqual({ phase: 'Running', podIP: '10.0.0.2' });
    expect(object.metadata).toEqual(current.metadata);
    expect(object.spec).toEqual(current.spec);
  });

  it('given an invalid status, rejects it naming the status field', () => {
    const e = thrown(InvalidError, () => prepareStatus(POD, podBody({ status: { phase: 'Sleeping' } }), stored(podBody()), 'Strict'));
    expect(e.causes.map((c) => c.field)).toEqual(['status.phase']);
  });
});

describe('updateEventType', () => {
  const rc = (replicas: number, image = 'nginx', labels: Record<string, string> = { app: 'web' }): KObject => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } } },
  });
  const node = (unschedulable?: boolean): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: unschedulable === undefined ? {} : { unschedulable } });

  it('given a controller whose only change is replicas, names it ReplicationControllerScaled', () => {
    expect(updateEventType(RC, rc(2), rc(5))).toBe('ReplicationControllerScaled');
  });

  it('given a controller whose only change is replicas, with its labels in another key order, names it ReplicationControllerScaled', () => {
    expect(updateEventType(RC, rc(2, 'nginx', { app: 'web', tier: 'front' }), rc(5, 'nginx', { tier: 'front', app: 'web' }))).toBe('ReplicationControllerScaled');
  });

  it('given a controller whose replicas change with its template or labels, names it ReplicationControllerReplaced', () => {
    expect(updateEventType(RC, rc(2), rc(5, 'nginx:2'))).toBe('ReplicationControllerReplaced');
    expect(updateEventType(RC, rc(2), rc(5, 'nginx', { app: 'api' }))).toBe('ReplicationControllerReplaced');
    expect(updateEventType(RC, rc(2), rc(2, 'nginx:2'))).toBe('ReplicationControllerReplaced');
  });

  it('given a node turning unschedulable or schedulable again, names it NodeCordoned or NodeUncordoned', () => {
    expect(updateEventType(NODE, node(), node(true))).toBe('NodeCordoned');
    expect(updateEventType(NODE, node(true), node(false))).toBe('NodeUncordoned');
    expect(updateEventType(NODE, node(true), node())).toBe('NodeUncordoned');
  });

  it('given a node whose unschedulable goes from unset to false, names it NodeReplaced: nothing was cordoned', () => {
    expect(updateEventType(NODE, node(), node(false))).toBe('NodeReplaced');
  });

  it('given any other kind, names the change <Kind>Replaced', () => {
    const pod = stored(podBody());
    expect(updateEventType(POD, pod, pod)).toBe('PodReplaced');
    expect(updateEventType(mustKind('Service'), pod, pod)).toBe('ServiceReplaced');
  });
});

describe('sameObject', () => {
  it('given two versions that differ only in resourceVersion, calls them the same', () => {
    const a = stored(podBody(), POD, '1');
    expect(sameObject(a, { ...a, metadata: { ...a.metadata, resourceVersion: '2' } })).toBe(true);
  });

  it('given two versions that differ only in key order, calls them the same', () => {
    const a = stored(podBody({ metadata: { name: 'web', labels: { app: 'web', tier: 'front' } } }));
    expect(sameObject(a, { ...a, metadata: { ...a.metadata, labels: { tier: 'front', app: 'web' } } })).toBe(true);
  });

  it('given versions that differ in labels, spec or status, tells them apart', () => {
    const a = stored(podBody());
    expect(sameObject(a, { ...a, metadata: { ...a.metadata, labels: { app: 'api' } } })).toBe(false);
    expect(sameObject(a, { ...a, spec: {} })).toBe(false);
    expect(sameObject(a, { ...a, status: { phase: 'Running' } })).toBe(false);
  });
});
