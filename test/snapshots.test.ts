import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { compareStates, emptyState, existing, ExpiredError, type KObject, mustKind } from '@wharf/model';
import { EventStore, initialState, Objects, Projection, replayOnto, SnapshotStore, TimeTravel } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { startApi } from './harness/api.js';

const Pod = mustKind('Pod');
const pod = (name: string, i: number): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { i: String(i) } }, spec: { containers: [{ name: 'c', image: 'x' }] } });

/** A pino logger that keeps its lines in memory. */
function memoryLog() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  return { log, lines };
}

describe('snapshots, start-up and retention (real nats-server)', () => {
  let nats: NatsHandle;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => nats?.stop());

  it('a projection started from a snapshot plus the tail equals a full replay; a corrupt snapshot falls back with a warning', async () => {
    const store = await EventStore.connect({ natsUrl: nats.url, cluster: 'snaps', name: 'test' });
    const live = new Projection(store);
    await live.start();
    const objects = new Objects(store, live);
    for (let i = 0; i < 300; i++) await objects.create(Pod, pod(`p${i}`, i), { actor: 'x' });
    const snaps = await SnapshotStore.open(store);
    await snaps.save(live.state, new Date().toISOString());
    for (let i = 0; i < 100; i++) await objects.change(Pod, 'default', `p${i}`, existing(Pod, `p${i}`, (p) => (i % 2 ? { object: p, type: 'PodDeleted' } : { object: { ...p, metadata: { ...p.metadata, labels: { i: 'changed' } } }, type: 'PodReplaced' })), { actor: 'y' });
    const { log, lines } = memoryLog();
    const fromSnap = new Projection(store, await initialState(store, snaps, log));
    expect(fromSnap.seq).toBe(300);
    await fromSnap.start();
    const full = await replayOnto(store, emptyState(), live.seq);
    expect(compareStates(fromSnap.state, full)).toEqual([]);
    expect(fromSnap.seq).toBe(full.seq);
    expect(lines.join('')).toContain('loaded a snapshot');

    // A newer but corrupt snapshot is skipped with a warning: the older one is used.
    await snaps.putRaw(350, Buffer.from('not a snapshot at all'));
    const second = memoryLog();
    expect((await initialState(store, snaps, second.log)).seq).toBe(300);
    expect(second.lines.join('')).toContain('skipping a snapshot that cannot be loaded');
    // With only corrupt snapshots, start-up replays the whole log.
    await snaps.os.delete('snap-000000000300');
    const third = memoryLog();
    const s = await initialState(store, snaps, third.log);
    expect(s.seq).toBe(0);
    expect(third.lines.join('')).toContain('falling back to a full replay');
    fromSnap.stop();
    live.stop();
    await store.close();
  });

  it('time travel past the retention edge uses snapshots, and beyond them answers 410 Expired', async () => {
    const store = await EventStore.connect({ natsUrl: nats.url, cluster: 'retain', name: 'test', maxAgeSeconds: 2 });
    const live = new Projection(store);
    await live.start();
    const objects = new Objects(store, live);
    for (let i = 0; i < 10; i++) await objects.create(Pod, pod(`old${i}`, i), { actor: 'x' });
    const snaps = await SnapshotStore.open(store);
    const atTen = live.state;
    await snaps.save(atTen, new Date().toISOString());
    await new Promise((r) => setTimeout(r, 3500));
    for (let i = 0; i < 5; i++) await objects.create(Pod, pod(`new${i}`, i), { actor: 'x' });
    const { first } = await store.bounds();
    expect(first).toBe(11);
    const tt = new TimeTravel(store, snaps);
    expect(compareStates(await tt.stateAt({ revision: 10 }), atTen)).toEqual([]);
    expect((await tt.stateAt({ revision: 13 })).counts.Pod).toBe(13);
    await expect(tt.stateAt({ revision: 5 })).rejects.toBeInstanceOf(ExpiredError);
    // A process started now still has every object, thanks to the snapshot.
    const restarted = new Projection(store, await initialState(store, snaps, memoryLog().log));
    await restarted.start();
    expect(restarted.list('Pod')).toHaveLength(15);
    restarted.stop();
    live.stop();
    await store.close();
  });

  it('replay --verify is clean after a long randomized workload through the API, and the API restarts from its snapshot', async () => {
    const api = await startApi({ natsUrl: nats.url, cluster: 'workload', extraArgs: ['--snapshot-interval', '500'] });
    const ns = '/api/v1/namespaces/default/pods';
    let seed = 42;
    const rnd = (n: number) => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) % n);
    const ops: Promise<unknown>[] = [];
    const run = async (i: number) => {
      const name = `w${rnd(60)}`;
      const op = rnd(4);
      if (op === 0 || op === 1) await api.fetch(ns, { method: 'POST', json: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { n: String(i) } }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
      else if (op === 2) await api.fetch(`${ns}/${name}`, { method: 'PATCH', json: { metadata: { labels: { n: String(i) } } }, headers: { 'content-type': 'application/merge-patch+json' } });
      else await api.fetch(`${ns}/${name}`, { method: 'DELETE' });
    };
    for (let i = 0; i < 3000; i++) {
      ops.push(run(i));
      if (ops.length >= 16) await Promise.all(ops.splice(0));
    }
    await Promise.all(ops);
    const report = (await (await api.fetch('/wharf/v1/replay/verify')).json()) as { differences: unknown[]; revision: number; base: number };
    expect(report.differences).toEqual([]);
    expect(report.base).toBe(0);
    expect(report.revision).toBeGreaterThan(1000);
    const before = await (await api.fetch(ns)).json();
    const snaps = (await (await api.fetch('/wharf/v1/snapshots')).json()) as { items: { seq: number }[] };
    expect(snaps.items.length).toBeGreaterThan(0);
    await api.kill('SIGTERM');
    await api.restart();
    expect(await (await api.fetch(ns)).json()).toEqual(before);
    await api.stop();
  });
});
