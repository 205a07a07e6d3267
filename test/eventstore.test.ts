import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore, Objects, Projection, mustKind, NatsUnavailableError, AlreadyExistsError, ConflictError, type KObject } from '@wharf/core';
import { startNats, type NatsHandle } from './harness/nats.js';

const Pod = mustKind('Pod');
const pod = (name: string, ns = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('event store on a real nats-server', () => {
  let nats: NatsHandle;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => nats?.stop());

  it('appends with expected sequences, projects, and keeps clusters apart', async () => {
    const a = await EventStore.connect({ natsUrl: nats.url, cluster: 'alpha', name: 'test' });
    const b = await EventStore.connect({ natsUrl: nats.url, cluster: 'beta', name: 'test' });
    const pa = new Projection(a);
    const pb = new Projection(b);
    await pa.start();
    await pb.start();
    const oa = new Objects(a, pa);
    const created = await oa.create(Pod, pod('web.1'), { actor: 'alice' });
    expect(created.metadata.resourceVersion).toBe('1');
    expect(a.subjects.object(Pod, 'default', 'web.1')).toBe('wharf.alpha.obj.pod.default.web_2e1');
    await expect(oa.create(Pod, pod('web.1'), { actor: 'alice' })).rejects.toBeInstanceOf(AlreadyExistsError);
    // A stale resourceVersion is refused.
    const updated = await oa.update(Pod, { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } }, 1, 'PodReplaced', { actor: 'bob' });
    expect(updated.metadata.resourceVersion).toBe('2');
    await expect(oa.update(Pod, created, 1, 'PodReplaced', { actor: 'bob' })).rejects.toBeInstanceOf(ConflictError);
    // Deleting frees the name for a new object.
    await oa.remove(Pod, updated, 2, { actor: 'bob' });
    expect(pa.get('Pod', 'default', 'web.1')).toBeUndefined();
    const again = await oa.create(Pod, pod('web.1'), { actor: 'alice', cause: 3 });
    expect(again.metadata.resourceVersion).toBe('4');
    const last = await a.last(a.subjects.object(Pod, 'default', 'web.1'));
    expect(last?.metadata).toMatchObject({ actor: 'alice', cause: 3 });
    // The other cluster on the same server sees none of it.
    await pb.sync();
    expect(pb.list('Pod')).toEqual([]);
    expect((await b.bounds()).last).toBe(0);
    pa.stop();
    pb.stop();
    await a.close();
    await b.close();
  });

  it('a fresh projection rebuilds the same state from the log', async () => {
    const s = await EventStore.connect({ natsUrl: nats.url, cluster: 'rebuild', name: 'test' });
    const p1 = new Projection(s);
    await p1.start();
    const o = new Objects(s, p1);
    for (let i = 0; i < 50; i++) await o.create(Pod, pod(`p${i}`), { actor: 'x' });
    const p2 = new Projection(s);
    await p2.start();
    expect(p2.state.seq).toBe(p1.state.seq);
    expect(p2.list('Pod')).toEqual(p1.list('Pod'));
    expect(p2.state.counts.Pod).toBe(50);
    p1.stop();
    p2.stop();
    await s.close();
  });

  it('says clearly when NATS is not there', async () => {
    await expect(EventStore.connect({ natsUrl: 'nats://127.0.0.1:1', cluster: 'x', name: 'test' })).rejects.toBeInstanceOf(NatsUnavailableError);
  });
});
