import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExistsError, type Change, compareStates, ConflictError, emptyState, evolve, existing, type KObject, type LoggedEvent, mustKind } from '@wharf/model';
import { AckedPublisher, EventStore, NatsUnavailableError, Objects, Projection, readRange, StaleSequenceError } from '@wharf/store';
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

  it('a catch-up folds the newest event per object (compacted) into the state of the event-by-event fold, and announces only what follows', async () => {
    const s = await EventStore.connect({ natsUrl: nats.url, cluster: 'compact', name: 'test' });
    const p1 = new Projection(s);
    await p1.start();
    const o = new Objects(s, p1);
    const Node = mustKind('Node');
    for (let i = 0; i < 20; i++) await o.create(Pod, pod(`p${i}`), { actor: 'x' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i += 2) await o.change(Pod, 'default', `p${i}`, existing(Pod, `p${i}`, (c) => ({ object: { ...c, metadata: { ...c.metadata, labels: { round: String(round) } } }, type: 'PodReplaced' })), { actor: 'y' });
    }
    for (let i = 0; i < 20; i += 5) await o.change(Pod, 'default', `p${i}`, existing(Pod, `p${i}`, (c) => ({ object: c, type: 'PodDeleted' })), { actor: 'z' });
    await o.create(Pod, pod('p5'), { actor: 'again' });
    await o.create(Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, { actor: 'kubelet' }, 'NodeRegistered');
    // A message of a kind no projection holds is set aside as corrupt, and still moves the sequence on.
    const gadget = await s.append(`${s.subjects.prefix}.obj.unknown._.x`, { type: 'GadgetCreated', data: { apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'x' } }, metadata: { actor: 'x', time: new Date().toISOString() } }, 0);
    const log: LoggedEvent[] = [];
    for await (const e of readRange(s)) log.push(e);
    expect(log.at(-1)!.seq).toBe(gadget - 1);
    const byEvent = evolve(emptyState(), log, gadget).state;

    const p2 = new Projection(s);
    const announced: Change[] = [];
    p2.onChange((changes) => announced.push(...changes));
    await p2.start();
    expect(announced).toEqual([]);
    expect(p2.seq).toBe(byEvent.seq);
    expect(compareStates(p2.state, byEvent)).toEqual([]);
    expect(p2.state.counts).toEqual(byEvent.counts);
    expect(p2.get('Pod', 'default', 'p2')?.metadata.labels).toEqual({ round: '2' });
    // From a base part-way through (a snapshot), the compacted tail gives the same state.
    const p3 = new Projection(s, evolve(emptyState(), log.slice(0, 30)).state);
    await p3.start();
    expect(compareStates(p3.state, byEvent)).toEqual([]);
    // After the catch-up the feed announces every change, as before.
    await o.create(Pod, pod('late'), { actor: 'x' });
    await p2.sync();
    expect(announced.map((c) => [c.type, c.object.metadata.name, c.seq])).toEqual([['ADDED', 'late', p1.seq]]);
    for (const p of [p1, p2, p3]) p.stop();
    await s.close();
  });

  it('consumeMessages hands over messages in order until told to stop, aborts quietly and fails loudly', async () => {
    const s = await EventStore.connect({ natsUrl: nats.url, cluster: 'consume', name: 'test' });
    const p = new Projection(s);
    await p.start();
    const o = new Objects(s, p);
    for (let i = 0; i < 10; i++) await o.create(Pod, pod(`c${i}`), { actor: 'x' });
    const seen: [number, string, number][] = [];
    await s.consumeMessages(3, s.subjects.allObjects, (m) => {
      seen.push([m.seq, m.subject, m.pending]);
      return m.seq < 6;
    });
    expect(seen).toEqual([3, 4, 5, 6].map((seq) => [seq, s.subjects.object(Pod, 'default', `c${seq - 1}`), 10 - seq]));
    const abort = new AbortController();
    const following = s.consumeMessages(11, s.subjects.allObjects, () => true, abort.signal);
    setTimeout(() => abort.abort(), 200);
    await expect(following).resolves.toBeUndefined();
    await expect(s.consumeMessages(1, s.subjects.allObjects, () => {
      throw new Error('fold failed');
    })).rejects.toThrow('fold failed');
    p.stop();
    await s.close();
  });

  it('acknowledged publishes fail as js.publish does: refused by the stream, no stream, no answer', async () => {
    const s = await EventStore.connect({ natsUrl: nats.url, cluster: 'pub', name: 'test' });
    const subject = s.subjects.object(Pod, 'default', 'a');
    const event = { type: 'PodCreated' as const, data: pod('a'), metadata: { actor: 'x', time: new Date().toISOString() } };
    const first = await s.append(subject, event, 0, 'once');
    // The same id again: nothing new is stored, and the error says where the first landed.
    await expect(s.append(subject, event, 0, 'once')).rejects.toMatchObject({ name: 'DuplicateAppendError', seq: first });
    await expect(s.append(subject, event, 0)).rejects.toBeInstanceOf(StaleSequenceError);
    await expect(s.append('nobody.listens.here', event, 0)).rejects.toMatchObject({ name: 'JetStreamNotEnabled' });
    const quiet = new AckedPublisher(s.nc, 300);
    // A subscriber that never answers: the publish times out.
    const sub = s.nc.subscribe('silent.subject');
    const t0 = Date.now();
    await expect(quiet.publish('silent.subject', '{}', {})).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    sub.unsubscribe();
    quiet.close();
    await s.close();
  });

  it('says clearly when NATS is not there', async () => {
    await expect(EventStore.connect({ natsUrl: 'nats://127.0.0.1:1', cluster: 'x', name: 'test' })).rejects.toBeInstanceOf(NatsUnavailableError);
  });
});

describe('a projection catching up while its server restarts', () => {
  let nats: NatsHandle;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => nats?.stop());

  it('goes on after the messages it already held and ends with the state of the event-by-event fold', async () => {
    const s = await EventStore.connect({ natsUrl: nats.url, cluster: 'restart', name: 'test' });
    const N = 30_000;
    let inflight: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      const name = `p${i % 3000}`;
      const type = i % 3000 === 7 && i > 3000 ? 'PodDeleted' : i < 3000 ? 'PodCreated' : 'PodStatusUpdated';
      const data = { ...pod(name), status: { phase: 'Running', n: i, pad: 'x'.repeat(800) } };
      inflight.push(s.js.publish(s.subjects.object(Pod, 'default', name), JSON.stringify({ type, data, metadata: { actor: 'x', time: new Date().toISOString() } })));
      if (inflight.length >= 2000) {
        await Promise.all(inflight);
        inflight = [];
      }
    }
    await Promise.all(inflight);
    const log: LoggedEvent[] = [];
    for await (const e of readRange(s)) log.push(e);
    const byEvent = evolve(emptyState(), log).state;

    const p = new Projection(s);
    const started = p.start();
    await new Promise((r) => setTimeout(r, 30));
    nats.servers[0]!.kill();
    await new Promise((r) => setTimeout(r, 300));
    await nats.servers[0]!.restart();
    await started;
    expect(p.seq).toBe(N);
    expect(compareStates(p.state, byEvent)).toEqual([]);
    expect(p.state.counts).toEqual(byEvent.counts);
    p.stop();
    await s.close();
  }, 60_000);
});
