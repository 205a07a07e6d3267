/**
 * The node relay against a real nats-server: a node reports its own pod's status through it, and
 * every forged request (another node's pod or Node, a status put that changes spec or labels, a
 * deletion of a live pod, malformed, oversized or unknown requests) is refused with the right
 * Status code while the event log stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KObject, mustKind, type Pod } from '@wharf/model';
import { createLogger, EventStore, NodeRelayClient, Objects, readObject, RelayUnavailableError, type ServedRelay } from '@wharf/store';
import { RelayObjects } from '@wharf/agent';
import { RELAY_LIMITS } from '@wharf/api';
import { startNats, type NatsHandle } from './harness/nats.js';
import { startRelay } from './harness/agent.js';

const cluster = `relay-t${process.pid}`;
const PodKind = mustKind('Pod');
type Reply = { object?: KObject; kind?: string; code?: number; reason?: string; message?: string };

describe('the node relay', () => {
  let nats: NatsHandle;
  let store: EventStore;
  let relay: ServedRelay;
  const lastSeq = async () => (await store.jsm.streams.info(store.subjects.stream)).state.last_seq;
  const ask = async (node: string, op: string, body: unknown) => (await new NodeRelayClient(store.nc, store.subjects, node).request(op, body)) as Reply;
  const raw = async (node: string, op: string, data: Uint8Array | string) => (await store.nc.request(store.subjects.nodeRelay(node, op), data, { timeout: 5000 })).json<Reply>();
  /** Expects the request to be refused with `code`, and the log to stay as it was. */
  const refused = async (code: number, send: () => Promise<Reply>) => {
    const before = await lastSeq();
    const r = await send();
    expect(r).toMatchObject({ kind: 'Status', code });
    expect(await lastSeq()).toBe(before);
    return r;
  };
  const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  const register = (name: string, as = name) => ask(as, 'put', { kind: 'Node', name, expectedResourceVersion: 0, object: node(name), type: 'NodeRegistered' });
  const boundPod = async (name: string, nodeName: string) => {
    const objects = new Objects(store);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }], nodeName }, status: { phase: 'Pending' } };
    return (await objects.create<Pod & KObject>(PodKind, pod as KObject, { actor: 'test' })) as Pod & KObject;
  };
  const statusPut = (pod: KObject, over: Record<string, unknown> = {}) => ({ kind: 'Pod', namespace: 'default', name: pod.metadata.name, expectedResourceVersion: Number(pod.metadata.resourceVersion), object: pod, type: 'PodStatusUpdated', ...over });

  beforeAll(async () => {
    nats = await startNats();
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'relay-test' });
    relay = startRelay(store);
  });

  afterAll(async () => {
    await relay?.stop();
    await store?.close();
    await nats?.stop();
  });

  it('a node registers its own Node and reports its own pod\'s status, recorded as system:node:<node>', async () => {
    expect((await register('n1')).object?.metadata.resourceVersion).toMatch(/^\d+$/);
    const pod = await boundPod('web-1', 'n1');
    const r = await ask('n1', 'put', statusPut({ ...pod, status: { phase: 'Running', podIP: '10.0.0.5' } } as KObject));
    expect(r.object?.status).toMatchObject({ phase: 'Running' });
    const last = await store.last(store.subjects.object(PodKind, 'default', 'web-1'));
    expect(last).toMatchObject({ type: 'PodStatusUpdated', metadata: { actor: 'system:node:n1' } });
    expect((await readObject<Pod & KObject>(store, PodKind, 'default', 'web-1'))?.status?.phase).toBe('Running');
  });

  it('the agent\'s RelayObjects gets, decides and puts through the relay', async () => {
    const objects = new RelayObjects(new NodeRelayClient(store.nc, store.subjects, 'n1'), createLogger('relay-test', 'silent'));
    const stored = await objects.change<Pod & KObject>(PodKind, 'default', 'web-1', (cur) => ({ object: { ...cur!, status: { ...cur!.status, phase: 'Succeeded' } } as KObject, type: 'PodStatusUpdated' }), { reason: 'done' });
    expect(stored?.status?.phase).toBe('Succeeded');
    expect((await store.last(store.subjects.object(PodKind, 'default', 'web-1')))?.metadata).toMatchObject({ actor: 'system:node:n1', reason: 'done' });
  });

  it('refuses n1 reporting the status of a pod bound to n2', async () => {
    const pod = await boundPod('web-2', 'n2');
    const r = await refused(403, () => ask('n1', 'put', statusPut({ ...pod, status: { phase: 'Running' } } as KObject)));
    expect(r.message).toBe('pods "web-2" is forbidden: node "n1" is not allowed to modify pod "default/web-2": it is bound to node "n2"');
    await refused(403, () => ask('n1', 'get', { kind: 'Pod', namespace: 'default', name: 'web-2' }));
  });

  it('refuses n1 registering or updating node n2', async () => {
    await refused(403, () => register('n2', 'n1'));
    expect((await register('n2')).object).toBeDefined();
    const current = (await ask('n2', 'get', { kind: 'Node', name: 'n2' })).object!;
    await refused(403, () => ask('n1', 'put', { kind: 'Node', name: 'n2', expectedResourceVersion: Number(current.metadata.resourceVersion), object: { ...current, status: {} }, type: 'NodeStatusUpdated' }));
    await refused(403, () => ask('n1', 'get', { kind: 'Node', name: 'n2' }));
  });

  it('refuses n1 changing its own pod\'s spec or labels through a status put', async () => {
    const pod = (await ask('n1', 'get', { kind: 'Pod', namespace: 'default', name: 'web-1' })).object as Pod & KObject;
    await refused(403, () => ask('n1', 'put', statusPut({ ...pod, metadata: { ...pod.metadata, labels: { app: 'other' } } } as KObject)));
    await refused(403, () => ask('n1', 'put', statusPut({ ...pod, spec: { ...pod.spec, containers: [{ name: 'c', image: 'evil' }] } } as KObject)));
    await refused(403, () => ask('n1', 'put', statusPut({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } } as KObject)));
  });

  it('refuses n1 deleting a pod that is not terminating, and its own Node', async () => {
    const pod = (await ask('n1', 'get', { kind: 'Pod', namespace: 'default', name: 'web-1' })).object!;
    await refused(403, () => ask('n1', 'put', statusPut(pod, { type: 'PodDeleted' })));
    const self = (await ask('n1', 'get', { kind: 'Node', name: 'n1' })).object!;
    await refused(403, () => ask('n1', 'put', { kind: 'Node', name: 'n1', expectedResourceVersion: Number(self.metadata.resourceVersion), object: self, type: 'NodeDeleted' }));
  });

  it('lets n1 record the deletion of its own pod once it is terminating', async () => {
    await boundPod('web-3', 'n1');
    const terminating = await new Objects(store).change<Pod & KObject>(PodKind, 'default', 'web-3', (cur) => ({ object: { ...cur!, metadata: { ...cur!.metadata, deletionTimestamp: new Date().toISOString() } } as KObject, type: 'PodDeletionRequested' }), { actor: 'test' });
    const r = await ask('n1', 'put', statusPut(terminating!, { type: 'PodDeleted', cause: Number(terminating!.metadata.resourceVersion) }));
    expect(r.object?.metadata.name).toBe('web-3');
    expect(await readObject(store, PodKind, 'default', 'web-3')).toBeUndefined();
    expect(await store.last(store.subjects.object(PodKind, 'default', 'web-3'))).toMatchObject({ type: 'PodDeleted', metadata: { actor: 'system:node:n1' } });
  });

  it('refuses malformed JSON, an oversized body and an unknown operation with a 400-family Status', async () => {
    await refused(400, () => raw('n1', 'put', '{"kind": "Pod", '));
    await refused(400, () => raw('n1', 'delete', JSON.stringify({ kind: 'Pod', namespace: 'default', name: 'web-1' })));
    await refused(413, () => raw('n1', 'put', new Uint8Array(RELAY_LIMITS.bytes + 1024).fill(0x20)));
    await refused(400, () => raw('n1', 'put', JSON.stringify({ kind: 'Pod', namespace: 'default', name: 'web-1', expectedResourceVersion: 1, object: {}, type: 'PodStatusUpdated', reason: 'x'.repeat(300) })));
  });

  it('with no relay serving, a node\'s request fails as unavailable (no responders)', async () => {
    await relay.stop();
    try {
      await expect(ask('n1', 'get', { kind: 'Node', name: 'n1' })).rejects.toBeInstanceOf(RelayUnavailableError);
    } finally {
      relay = startRelay(store);
    }
    await store.nc.flush();
    expect((await ask('n1', 'get', { kind: 'Node', name: 'n1' })).object?.metadata.name).toBe('n1');
  });
});
