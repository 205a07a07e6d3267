import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KObject, type LoggedEvent, mustKind } from '@wharf/model';
import { createLogger, EventStore, Objects, Projection } from '@wharf/store';
import { AllocationLedger, SchedulerReconciler } from '@wharf/reconcilers';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

const PodKind = mustKind('Pod');
const NodeKind = mustKind('Node');
const log = createLogger('test', 'warn');

const node = (name: string, cpu: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { allocatable: { cpu, memory: '64Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
  status: { phase: 'Pending' },
});

async function scheduler(url: string, cluster: string, instance: string, batchSize: number) {
  const store = await EventStore.connect({ natsUrl: url, cluster, name: instance });
  const projection = new Projection(store);
  await projection.start();
  const ledger = await AllocationLedger.open(store, log);
  const runner = new SchedulerReconciler({ projection, objects: new Objects(store, projection), ledger, log, instance, graceMs: 2_000, unschedulableRetryMs: 500, batchSize });
  runner.start();
  return {
    runner,
    async stop() {
      await runner.stop();
      ledger.stop();
      projection.stop();
      await store.close();
    },
  };
}

async function history(store: EventStore): Promise<LoggedEvent[]> {
  const { last } = await store.bounds();
  const out: LoggedEvent[] = [];
  const ac = new AbortController();
  for await (const e of store.read(1, store.subjects.allObjects, ac.signal)) {
    out.push(e);
    if (e.seq >= last) break;
  }
  ac.abort();
  return out;
}

describe('scheduler on a real nats-server', () => {
  let nats: NatsHandle;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => nats?.stop());

  it.each([
    ['whole batches', 1024],
    ['one pod at a time', 1],
  ])('two scheduler instances never over-commit a node nor bind a pod twice (%s)', async (_, batchSize) => {
    const N = 8;
    const cluster = `twosched${batchSize}`;
    const store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'writer' });
    const projection = new Projection(store);
    await projection.start();
    const objects = new Objects(store, projection);
    await objects.create(NodeKind, node('only', `${N * 100}m`), { actor: 'admin' });
    for (let i = 0; i < N * 3 / 2; i++) await objects.create(PodKind, pod(`before-${i}`), { actor: 'admin' });
    const [a, b] = await Promise.all([scheduler(nats.url, cluster, 'sched-a', batchSize), scheduler(nats.url, cluster, 'sched-b', batchSize)]);
    await Promise.all(Array.from({ length: N * 3 / 2 }, (_, i) => objects.create(PodKind, pod(`after-${i}`), { actor: 'admin' })));
    // Every pod ends up either bound or marked unschedulable.
    await eventually(async () => {
      await projection.sync();
      const pods = projection.list('Pod') as unknown as { spec: { nodeName?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      return pods.length === 3 * N && pods.every((p) => p.spec.nodeName || p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
    }, 20_000);
    // Let both instances retry for a while: nothing more may bind.
    await new Promise((r) => setTimeout(r, 1500));
    await projection.sync();
    const bound = (projection.list('Pod') as unknown as { spec: { nodeName?: string } }[]).filter((p) => p.spec.nodeName);
    expect(bound).toHaveLength(N);
    const events = await history(store);
    const bindings = events.filter((e) => e.type === 'PodBound');
    expect(bindings).toHaveLength(N);
    expect(new Set(bindings.map((e) => e.subject)).size).toBe(N);
    for (const e of bindings) {
      expect(e.metadata.actor).toBe('system:scheduler');
      expect(typeof e.metadata.cause).toBe('number');
    }
    const failed = events.filter((e) => e.type === 'PodScheduleFailed');
    expect(failed.length).toBeGreaterThanOrEqual(2 * N);
    const last = failed.at(-1)!.data as unknown as { status: { conditions: { type: string; reason?: string; message?: string }[] } };
    expect(last.status.conditions.find((c) => c.type === 'PodScheduled')).toMatchObject({ reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' });
    const { ledger } = await a.runner.opts.ledger.read('only');
    if (process.env.WHARF_TEST_DEBUG) console.log(Object.values(ledger.pods).map((r) => r.by));
    expect(Object.keys(ledger.pods).sort()).toEqual(bound.map((p) => `default/${(p as unknown as KObject).metadata.name}`).sort());

    // Deleting a bound pod frees room: exactly one pending pod takes it.
    const victim = bound[0] as unknown as KObject;
    await objects.remove(PodKind, victim, Number(victim.metadata.resourceVersion), { actor: 'admin' });
    await eventually(async () => {
      await projection.sync();
      return (projection.list('Pod') as unknown as { spec: { nodeName?: string } }[]).filter((p) => p.spec.nodeName).length === N;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    await projection.sync();
    expect((projection.list('Pod') as unknown as { spec: { nodeName?: string } }[]).filter((p) => p.spec.nodeName)).toHaveLength(N);
    // The sweeper drops the deleted pod's reservation once the grace period is over.
    await eventually(async () => {
      await a.runner.sweep();
      const { ledger: l } = await a.runner.opts.ledger.read('only');
      return !l.pods[`default/${victim.metadata.name}`] && Object.keys(l.pods).length === N;
    }, 10_000, 250);

    await Promise.all([a.stop(), b.stop()]);
    projection.stop();
    await store.close();
  });
});
