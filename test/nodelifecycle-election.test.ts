/**
 * The node lifecycle controller while the heartbeat bucket elects a leader (#15): on an R3
 * cluster, SIGKILL the nats-server leading the heartbeats bucket. No agent can write its
 * heartbeat until a new leader is elected, which takes longer than this test's grace period; the
 * controller cannot hear heartbeats then either, and must not call the node unreachable for a
 * silence it could not observe. It does call a node unreachable that really stops, and a
 * controller that starts later does not take that node's last heartbeat, still in the bucket, for news.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeToken, type KObject, mustKind } from '@wharf/model';
import { createLogger, ensureBucket, EventStore, Objects, Projection } from '@wharf/store';
import { NodeLifecycleReconciler } from '@wharf/reconcilers';
import { startNatsCluster, type NatsHandle } from './harness/nats.js';
import { streamLeader, waitForStreamLeader } from './harness/natsleaders.js';
import { eventually } from './harness/ports.js';

const CLUSTER = 'nlc';
const BUCKET_STREAM = 'KV_wharf_NLC_heartbeats';
const GRACE_MS = 1500;
const log = createLogger('test', 'warn');
const node = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });

describe('node lifecycle while the heartbeat bucket elects a leader', () => {
  let nats: NatsHandle;
  let store: EventStore;
  let agentStore: EventStore;
  let projection: Projection;
  let objects: Objects;
  let reconciler: NodeLifecycleReconciler;
  const beating = new Set(['n1', 'n2']);
  /** When each node's heartbeat last landed. */
  const landed = new Map<string, number[]>();
  let timer: NodeJS.Timeout | undefined;
  /** Every Ready status the projection showed for each node, in order. */
  const readiness = new Map<string, string[]>();

  beforeAll(async () => {
    nats = await startNatsCluster(3);
    store = await EventStore.connect({ natsUrl: nats.url, cluster: CLUSTER, name: 'reconcilers', replicas: 3 });
    agentStore = await EventStore.connect({ natsUrl: nats.url, cluster: CLUSTER, name: 'agents', replicas: 3 });
    projection = new Projection(store);
    await projection.start();
    objects = new Objects(store, projection);
    for (const n of ['n1', 'n2']) await objects.create(mustKind('Node'), node(n), { actor: 'test' });
    const kv = await ensureBucket(agentStore, agentStore.subjects.heartbeatBucket);
    // Two agents' heartbeats, every 200 ms. A write that fails (no leader) is tried again a second
    // later, as an agent whose beat timed out tries again at its next interval.
    const next = new Map<string, number>();
    timer = setInterval(() => {
      for (const n of beating) {
        if ((next.get(n) ?? 0) > Date.now()) continue;
        next.set(n, Number.MAX_SAFE_INTEGER);
        void kv.put(encodeToken(n), JSON.stringify({ node: n, time: new Date().toISOString() })).then(
          () => {
            landed.set(n, [...(landed.get(n) ?? []), Date.now()]);
            next.set(n, 0);
          },
          () => next.set(n, Date.now() + 1000),
        );
      }
    }, 200);
    projection.onChange((changes) => {
      for (const c of changes) {
        if (c.object.kind !== 'Node') continue;
        const ready = (c.object as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.find((x) => x.type === 'Ready')?.status ?? '?';
        const seen = readiness.get(c.object.metadata.name) ?? [];
        if (seen.at(-1) !== ready) readiness.set(c.object.metadata.name, [...seen, ready]);
      }
    });
    reconciler = new NodeLifecycleReconciler({ store, projection, objects, log, graceMs: GRACE_MS, evictionMs: 60_000 });
    await reconciler.start();
    await eventually(async () => ((await streamLeader(nats, BUCKET_STREAM)) ? true : undefined), 30_000, 200);
  }, 120_000);

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await reconciler?.stop();
    projection?.stop();
    await agentStore?.close();
    await store?.close();
    await nats?.stop();
  });

  it('does not call a node unreachable for the silence of the election, and does call one that stops', async () => {
    await new Promise((r) => setTimeout(r, 2 * GRACE_MS));
    const leader = (await streamLeader(nats, BUCKET_STREAM))!;
    const killed = Date.now();
    leader.kill();
    const next = await waitForStreamLeader(nats, BUCKET_STREAM, leader);
    // Every node's heartbeats land again, and then the grace period passes twice over.
    await eventually(() => (['n1', 'n2'].every((n) => (landed.get(n)?.at(-1) ?? 0) > Date.now() - 500 && (landed.get(n)?.at(-1) ?? 0) > killed) ? true : undefined), 60_000, 100);
    await new Promise((r) => setTimeout(r, 2 * GRACE_MS));
    const beats = landed.get('n1')!;
    const gap = Math.max(...beats.slice(1).map((t, i) => t - beats[i]!));
    console.log(`heartbeats bucket leader ${leader.name} killed; ${next.name} leads; the longest time no heartbeat of n1 landed: ${gap} ms (grace ${GRACE_MS} ms); Ready of n1: ${readiness.get('n1')?.join(' -> ') ?? 'True throughout'}`);
    // The election silenced the heartbeats for longer than the grace period: otherwise this test shows nothing.
    expect(gap).toBeGreaterThan(GRACE_MS);
    expect(readiness.get('n1') ?? []).not.toContain('Unknown');
    expect(readiness.get('n2') ?? []).not.toContain('Unknown');

    // A node whose heartbeats stop while the bucket answers is called unreachable.
    beating.delete('n2');
    const stopped = Date.now();
    await eventually(async () => (projection.get('Node', undefined, 'n2')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' ? true : undefined), 30_000, 100).catch((e: Error) => {
      const ready = projection.get('Node', undefined, 'n2')?.status?.conditions?.find((c) => c.type === 'Ready');
      throw new Error(`n2 was not called unreachable ${Date.now() - stopped} ms after its heartbeats stopped (${e.message}): Ready ${JSON.stringify(ready)}, readiness ${readiness.get('n2')?.join(' -> ')}, its last heartbeat landed ${Date.now() - (landed.get('n2')?.at(-1) ?? 0)} ms ago`);
    });
    expect(projection.get('Node', undefined, 'n1')?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    // A controller that starts now finds n2's last heartbeat still in the bucket: that is no news.
    // n2 stays Unknown (it is not made Ready for a grace period), n1 stays Ready.
    await reconciler.stop();
    const [n1Before, n2Before] = [readiness.get('n1') ?? [], readiness.get('n2')!];
    // Its start asks JetStream for the bucket and a watch, which time out while the meta group
    // (the killed server may have led it) is still electing: it is started again then.
    reconciler = await eventually(async () => {
      const r = new NodeLifecycleReconciler({ store, projection, objects, log, graceMs: GRACE_MS, evictionMs: 60_000 });
      try {
        await r.start();
        return r;
      } catch (e) {
        await r.stop().catch(() => undefined);
        throw e;
      }
    }, 60_000, 500);
    await new Promise((r) => setTimeout(r, 3 * GRACE_MS));
    expect(readiness.get('n2')).toEqual(n2Before);
    expect(readiness.get('n2')!.at(-1)).toBe('Unknown');
    expect(readiness.get('n1') ?? []).toEqual(n1Before);
  }, 180_000);
});
