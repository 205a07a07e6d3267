/**
 * Scale-out: three wharf-reconcilers processes share the work on 20 replication controllers
 * while a driver scales them at random and deletes pods, on three hollow nodes (agents with the
 * fake runtime, so no Docker is needed). An observer checks, at every moment it looks, that no
 * settled controller has more live pods than it asks for and that no pod moves between nodes
 * (is bound twice). One reconciler is killed with SIGKILL mid-run; the rest still converge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '@wharf/store';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';

type Pod = { metadata: { name: string; uid: string; deletionTimestamp?: string; ownerReferences?: { uid: string; controller?: boolean }[] }; spec: { nodeName?: string }; status?: { phase?: string } };
type RC = { metadata: { name: string; uid: string }; spec: { replicas: number }; status?: { replicas: number; readyReplicas?: number } };

const RCS = 20;
const CHURN_MS = 30_000;
const SETTLE_MS = 3_000;
/** How long the survivors take to notice a SIGKILLed member: its lease (3 intervals of 1 s), then one more look. */
const TAKEOVER_MS = 4_000;
const hollow = ['--runtime', 'fake', '--max-pods', '2000', '--heartbeat-interval', '500ms'];

describe('reconcilers scale out', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster(`scaleout-${process.pid}`, [{ name: 'hollow-a', args: hollow }, { name: 'hollow-b', args: hollow }, { name: 'hollow-c', args: hollow }], ['--node-monitor-grace-period', '5s', '--pod-eviction-timeout', '5s']);
    c.startReconcilers();
    c.startReconcilers();
  }, 120_000);
  afterAll(async () => c?.stop(), 60_000);

  const api = async <T>(method: string, path: string, json?: unknown, contentType?: string): Promise<T> => {
    const res = await c.api.fetch(path, { method, ...(json !== undefined ? { json } : {}), ...(contentType ? { headers: { 'content-type': contentType } } : {}) });
    const text = await res.text();
    if (!res.ok && res.status !== 404 && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const rcBody = (name: string, replicas: number) => ({
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name },
    spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sleep', '3600'] }] } } },
  });

  it('never overshoots, never binds a pod twice, and converges after one instance is SIGKILLed', async () => {
    const desired = new Map<string, number>();
    const scaledAt = new Map<string, number>();
    for (let i = 0; i < RCS; i++) {
      const name = `rc-${i}`;
      const n = 1 + (i % 5);
      desired.set(name, n);
      scaledAt.set(name, Date.now());
      await api('POST', '/api/v1/namespaces/default/replicationcontrollers', rcBody(name, n));
    }
    const violations: string[] = [];
    const boundTo = new Map<string, string>();
    let observing = true;
    let looks = 0;
    let killedAt: number | undefined;
    /** When a controller has settled: SETTLE_MS after its last scale, or after the takeover when the killed instance may have owned that scale. */
    const settledAt = (name: string) => {
      const scaled = scaledAt.get(name) ?? 0;
      if (killedAt !== undefined && scaled > killedAt - SETTLE_MS) return Math.max(scaled, killedAt + TAKEOVER_MS) + SETTLE_MS;
      return scaled + SETTLE_MS;
    };
    const observer = (async () => {
      while (observing) {
        const startedAt = Date.now();
        const [pods, rcs] = await Promise.all([api<{ items: Pod[] }>('GET', '/api/v1/namespaces/default/pods'), api<{ items: RC[] }>('GET', '/api/v1/namespaces/default/replicationcontrollers')]);
        looks++;
        for (const p of pods.items) {
          const node = p.spec.nodeName;
          if (!node) continue;
          const was = boundTo.get(p.metadata.uid);
          if (was && was !== node) violations.push(`pod ${p.metadata.name} (${p.metadata.uid}) moved from ${was} to ${node}`);
          boundTo.set(p.metadata.uid, node);
        }
        for (const rc of rcs.items) {
          const settled = startedAt > settledAt(rc.metadata.name);
          const live = pods.items.filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rc.metadata.uid) && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
          if (settled && live.length > desired.get(rc.metadata.name)!) violations.push(`${rc.metadata.name}: ${live.length} live pods, wants ${desired.get(rc.metadata.name)} (${live.map((p) => p.metadata.name).join(' ')}); scaled ${startedAt - (scaledAt.get(rc.metadata.name) ?? 0)} ms ago${killedAt ? `, kill ${startedAt - killedAt} ms ago` : ''}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const until = Date.now() + CHURN_MS;
    let killed = false;
    let actions = 0;
    while (Date.now() < until) {
      if (!killed && Date.now() > until - CHURN_MS / 2) {
        killedAt = Date.now();
        c.reconcilers[0]!.kill('SIGKILL');
        killed = true;
      }
      const name = `rc-${Math.floor(Math.random() * RCS)}`;
      if (Math.random() < 0.5) {
        const n = Math.floor(Math.random() * 7);
        scaledAt.set(name, Date.now());
        desired.set(name, n);
        await api('PATCH', `/api/v1/namespaces/default/replicationcontrollers/${name}/scale`, { spec: { replicas: n } }, 'application/merge-patch+json');
        scaledAt.set(name, Date.now());
      } else {
        const pods = await api<{ items: Pod[] }>('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${name}`);
        const victim = pods.items[Math.floor(Math.random() * pods.items.length)];
        if (victim) await api('DELETE', `/api/v1/namespaces/default/pods/${victim.metadata.name}`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: Math.random() < 0.5 ? 0 : 1 });
      }
      actions++;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }

    // Converges: every controller has exactly its replicas Running, and says so in its status.
    await eventually(async () => {
      const [pods, rcs] = await Promise.all([api<{ items: Pod[] }>('GET', '/api/v1/namespaces/default/pods'), api<{ items: RC[] }>('GET', '/api/v1/namespaces/default/replicationcontrollers')]);
      return rcs.items.every((rc) => {
        const live = pods.items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rc.metadata.uid) && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
        return live.length === desired.get(rc.metadata.name) && rc.status?.replicas === live.length && rc.status?.readyReplicas === live.length;
      });
    }, 30_000, 250);
    observing = false;
    await observer;

    // The log: no pod uid was ever bound twice.
    const store = await EventStore.connect({ natsUrl: c.nats.url, cluster: c.cluster, name: 'scaleout-audit' });
    const { last } = await store.bounds();
    const binds = new Map<string, number>();
    const abort = new AbortController();
    for await (const e of store.read(1, store.subjects.allObjects, abort.signal)) {
      if (e.type === 'PodBound') binds.set(e.data.metadata.uid!, (binds.get(e.data.metadata.uid!) ?? 0) + 1);
      if (e.seq >= last) break;
    }
    abort.abort();
    await store.close();
    const twice = [...binds].filter(([, n]) => n > 1);
    console.log(`scale-out: ${actions} random actions, ${looks} observations, ${binds.size} pods bound, ${last} events`);
    expect(violations).toEqual([]);
    expect(twice).toEqual([]);
    expect(looks).toBeGreaterThan(50);
  }, 150_000);
});
