/**
 * The node relay's request handling without servers: an in-memory log that checks expected
 * sequences as JetStream does. Given a log, when a node sends a request, then the reply.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type KObject, type LoggedEvent, mustKind, type StoredEvent, Subjects } from '@wharf/model';
import { createLogger, type ObjectLog, StaleSequenceError } from '@wharf/store';
import { NodeRelayHandler } from './handler.js';
import { RELAY_LIMITS } from './protocol.js';

class MemoryLog implements ObjectLog {
  readonly subjects = new Subjects('unit');
  readonly events: LoggedEvent[] = [];
  async append(subject: string, event: StoredEvent, expected: number): Promise<number> {
    const last = this.events.findLast((e) => e.subject === subject)?.seq ?? 0;
    if (last !== expected) throw new StaleSequenceError(subject, expected);
    const seq = this.events.length + 1;
    this.events.push({ ...structuredClone(event), seq, subject });
    return seq;
  }
  async tail(subject: string): Promise<{ event: LoggedEvent | undefined; seq: number }> {
    const event = this.events.findLast((e) => e.subject === subject);
    return { event, seq: event?.seq ?? 0 };
  }
}

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const Pod = mustKind('Pod');

describe('node relay requests', () => {
  let log: MemoryLog;
  let relay: NodeRelayHandler;
  const ask = async (node: string, op: string, body: unknown) => JSON.parse(await relay.handle({ node, op, data: enc(body) })) as { object?: KObject; kind?: string; code?: number; reason?: string; message?: string; current?: KObject };
  const seed = async (nodeName: string | undefined, extra: Record<string, unknown> = {}) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1', creationTimestamp: '2025-01-01T00:00:00Z', ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) }, status: { phase: 'Pending' } };
    const seq = await log.append(log.subjects.object(Pod, 'default', 'web-1'), { type: 'PodBound', data: pod as KObject, metadata: { actor: 'system:scheduler', time: '2025-01-01T00:00:00Z' } }, log.events.length ? log.events.length : 0);
    return { ...pod, metadata: { ...pod.metadata, resourceVersion: String(seq) } } as KObject;
  };
  const put = (pod: KObject, over: Record<string, unknown> = {}) => ({ kind: 'Pod', namespace: 'default', name: 'web-1', expectedResourceVersion: Number(pod.metadata.resourceVersion), object: pod, type: 'PodStatusUpdated', ...over });

  beforeEach(() => {
    log = new MemoryLog();
    relay = new NodeRelayHandler(log, createLogger('relay-spec', 'silent'));
  });

  it('given a pod bound to the node, when it puts a new status, then it is stored as system:node:<node> and returned', async () => {
    const pod = await seed('n1');
    const r = await ask('n1', 'put', put({ ...pod, status: { phase: 'Running' } } as KObject, { reason: 'started', cause: 1 }));
    expect(r.object?.status).toEqual({ phase: 'Running' });
    expect(r.object?.metadata.resourceVersion).toBe('2');
    expect(log.events[1]?.metadata).toMatchObject({ actor: 'system:node:n1', reason: 'started', cause: 1 });
  });

  it('given a pod bound to another node, when the node gets or puts it, then 403 and nothing is written', async () => {
    const pod = await seed('n2');
    expect(await ask('n1', 'get', { kind: 'Pod', namespace: 'default', name: 'web-1' })).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
    const r = await ask('n1', 'put', put({ ...pod, status: { phase: 'Running' } } as KObject));
    expect(r).toMatchObject({ code: 403, message: 'pods "web-1" is forbidden: node "n1" is not allowed to modify pod "default/web-1": it is bound to node "n2"' });
    expect(log.events).toHaveLength(1);
  });

  it('given a stale expected version, when the node puts, then 409 with the current object to decide again on', async () => {
    const pod = await seed('n1');
    const r = await ask('n1', 'put', put({ ...pod, status: { phase: 'Running' } } as KObject, { expectedResourceVersion: 0 }));
    expect(r).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(r.current?.metadata.resourceVersion).toBe('1');
  });

  it('given another uid than the stored one, when the node puts, then 409 with the current object', async () => {
    const pod = await seed('n1');
    const r = await ask('n1', 'put', put({ ...pod, metadata: { ...pod.metadata, uid: 'old' }, status: { phase: 'Running' } } as KObject));
    expect(r).toMatchObject({ code: 409 });
    expect(r.current?.metadata.uid).toBe('u1');
  });

  it('given no object, when the node gets or updates it, then 404', async () => {
    expect(await ask('n1', 'get', { kind: 'Node', name: 'n1' })).toMatchObject({ code: 404, reason: 'NotFound' });
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'x' }, status: {} };
    expect(await ask('n1', 'put', { kind: 'Node', name: 'n1', expectedResourceVersion: 3, object: node, type: 'NodeStatusUpdated' })).toMatchObject({ code: 404 });
  });

  it('given its own Node, when the node registers it and reads it back, then both answer with the object', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'x', labels: { 'kubernetes.io/hostname': 'n1' } }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] }, status: {} };
    expect((await ask('n1', 'put', { kind: 'Node', name: 'n1', expectedResourceVersion: 0, object: node, type: 'NodeRegistered' })).object?.metadata.resourceVersion).toBe('1');
    expect((await ask('n1', 'get', { kind: 'Node', name: 'n1' })).object?.metadata.name).toBe('n1');
    expect(await ask('n2', 'get', { kind: 'Node', name: 'n1' })).toMatchObject({ code: 403 });
  });

  it('given its Node with a pod CIDR the cluster assigned, when the node puts a status keeping the spec, then the pod CIDR stays; one that drops or changes it is 403', async () => {
    const NodeKind = mustKind('Node');
    const subject = log.subjects.object(NodeKind, undefined, 'n1');
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'x' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }, status: {} } as KObject;
    await log.append(subject, { type: 'NodePodCIDRAssigned', data: node, metadata: { actor: 'system:node-ipam-controller', time: '2025-01-01T00:00:00Z' } }, 0);
    const status = (spec: Record<string, unknown>) => ({ kind: 'Node', name: 'n1', expectedResourceVersion: 1, object: { ...node, spec, status: { phase: 'Running' } }, type: 'NodeStatusUpdated' });
    expect(await ask('n1', 'put', status({}))).toMatchObject({ code: 403, message: 'nodes "n1" is forbidden: node "n1" is not allowed to set or change its pod CIDR (spec.podCIDR, spec.podCIDRs): the cluster assigns it' });
    expect(await ask('n1', 'put', status({ podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] }))).toMatchObject({ code: 403 });
    const r = await ask('n1', 'put', status(node.spec as Record<string, unknown>));
    expect(r.object?.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(log.events.map((e) => e.type)).toEqual(['NodePodCIDRAssigned', 'NodeStatusUpdated']);
    expect(log.events[1]?.data.spec).toEqual(node.spec);
  });

  it('given an object that fails its schema, when the node puts it, then 422', async () => {
    const pod = await seed('n1');
    expect(await ask('n1', 'put', put({ ...pod, status: { phase: 42 } } as unknown as KObject))).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('given malformed requests, then 400 (or 413 past the size limit), never a crash', async () => {
    const pod = await seed('n1');
    const bad = async (op: string, data: Uint8Array) => JSON.parse(await relay.handle({ node: 'n1', op, data })) as { code: number };
    expect((await bad('put', enc('{not json'))).code).toBe(400);
    expect((await bad('delete', enc({ kind: 'Pod', namespace: 'default', name: 'web-1' }))).code).toBe(400);
    expect((await bad('get', enc('[]'))).code).toBe(400);
    expect((await bad('get', enc({ kind: 'Service', namespace: 'default', name: 's' }))).code).toBe(400);
    expect((await bad('get', enc('['.repeat(500) + ']'.repeat(500)))).code).toBe(400);
    expect((await bad('put', new Uint8Array(RELAY_LIMITS.bytes + 1))).code).toBe(413);
    expect((await bad('put', enc(put(pod, { reason: 'x'.repeat(257) })))).code).toBe(400);
    expect((await bad('put', enc(put(pod, { cause: -1 })))).code).toBe(400);
    expect((await bad('put', enc(put(pod, { cause: 1.5 })))).code).toBe(400);
    expect((await bad('put', enc(put(pod, { name: 'other' })))).code).toBe(400);
    expect((await bad('put', enc(put(pod, { expectedResourceVersion: '1' })))).code).toBe(400);
    expect((await bad('put', enc('{"kind":"Pod","namespace":"default","name":"web-1","__proto__":{}}'))).code).toBe(400);
    expect(log.events).toHaveLength(1);
  });
});
