import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existing, type KObject, mustKind } from '@wharf/model';
import { EventStore, Objects, Projection } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ns = '/api/v1/namespaces/default';
const Pod = mustKind('Pod');
const Node = mustKind('Node');
const RC = mustKind('ReplicationController');

type Entry = { revision: number; type: string; actor: string; cause?: number; reason?: string; change: string; object: KObject };

describe('history over the event log (real nats-server and wharf-api)', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let store: EventStore;
  let projection: Projection;
  let objects: Objects;
  const json = async <T = Record<string, unknown>>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> => {
    const r = await api.fetch(path, init);
    if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'histtest' });
    store = await EventStore.connect({ natsUrl: nats.url, cluster: 'histtest', name: 'test' });
    projection = new Projection(store);
    await projection.start();
    objects = new Objects(store, projection);
  });
  afterAll(async () => {
    projection?.stop();
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  it('records the history of a pod and an RC through create, scale, bind, status and delete, with actors, causes and derived Events', async () => {
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas: 5, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } } };
    await json(`${ns}/replicationcontrollers`, { method: 'POST', json: rc });
    await json(`${ns}/replicationcontrollers/web/scale`, { method: 'PATCH', json: { spec: { replicas: 8 } }, headers: { 'content-type': 'application/merge-patch+json' } });
    const rcHist = await json<{ items: Entry[] }>('/wharf/v1/history/namespaces/default/replicationcontrollers/web');
    expect(rcHist.items.map((e) => [e.type, e.actor])).toEqual([['ReplicationControllerCreated', 'admin'], ['ReplicationControllerScaled', 'admin']]);
    expect(rcHist.items[1]!.change).toContain('spec.replicas: 5 → 8');

    await objects.create(Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { actor: 'system:node:node-a' }, 'NodeRegistered');
    const created = await json<KObject>(`${ns}/pods`, { method: 'POST', json: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } });
    await projection.sync();
    const cause = Number(created.metadata.resourceVersion);
    await objects.change(Pod, 'default', 'p1', existing(Pod, 'p1', (p) => ({ object: { ...p, spec: { ...(p.spec as object), nodeName: 'node-a' } }, type: 'PodBound' })), { actor: 'system:scheduler', cause });
    const running = { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'wharf.local/busybox:1', state: { running: { startedAt: new Date().toISOString() } } }] };
    await objects.change(Pod, 'default', 'p1', existing(Pod, 'p1', (p) => ({ object: { ...p, status: { ...(p.status as object), ...running } }, type: 'PodStatusUpdated' })), { actor: 'system:node:node-a' });
    await json(`${ns}/pods/p1`, { method: 'DELETE' });
    await projection.sync();
    const last = projection.get(Pod.kind, 'default', 'p1')!;
    await objects.remove(Pod, last, Number(last.metadata.resourceVersion), { actor: 'system:node:node-a', reason: 'containers stopped' });

    const hist = await json<{ items: Entry[] }>('/wharf/v1/history/namespaces/default/pods/p1');
    expect(hist.items.map((e) => [e.type, e.actor])).toEqual([
      ['PodCreated', 'admin'],
      ['PodBound', 'system:scheduler'],
      ['PodStatusUpdated', 'system:node:node-a'],
      ['PodDeletionRequested', 'admin'],
      ['PodDeleted', 'system:node:node-a'],
    ]);
    expect(hist.items[1]).toMatchObject({ cause, change: expect.stringContaining('spec.nodeName: ∅ → node-a') });
    expect(hist.items[2]!.change).toContain('status.phase: Pending → Running');
    expect(hist.items[4]).toMatchObject({ reason: 'containers stopped', change: 'deleted' });
    // History outlives the object; a name that never existed is 404.
    expect((await api.fetch('/wharf/v1/history/namespaces/default/pods/nope')).status).toBe(404);

    const events = await json<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(`${ns}/events?fieldSelector=involvedObject.name=p1,involvedObject.kind=Pod`);
    expect(events.items.map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started', 'Killing']);
    expect(events.items[0]!.message).toBe('Successfully assigned default/p1 to node-a');
    const one = await json<{ reason: string }>(`${ns}/events/${(events.items[0] as unknown as KObject).metadata.name}`);
    expect(one.reason).toBe('Scheduled');

    const audit = await json<{ items: Entry[] }>(`/wharf/v1/audit?actor=system:*&kind=pods&since=${cause}`);
    expect(audit.items.map((e) => e.type)).toEqual(['PodBound', 'PodStatusUpdated', 'PodDeleted']);
    const byAdmin = await json<{ items: Entry[] }>('/wharf/v1/audit?actor=admin&kind=rc');
    expect(byAdmin.items).toHaveLength(2);
  });

  it('serves ?at= (revision or time) exactly as get and list returned then', async () => {
    const seen: { rv: string; time: string; list: KObject[]; one: KObject | undefined }[] = [];
    const record = async () => {
      const list = await json<{ metadata: { resourceVersion: string }; items: KObject[] }>(`${ns}/pods`);
      const r = await api.fetch(`${ns}/pods/tt-0`);
      seen.push({ rv: list.metadata.resourceVersion, time: new Date().toISOString(), list: list.items, one: r.ok ? ((await r.json()) as KObject) : undefined });
      await new Promise((r) => setTimeout(r, 15));
    };
    await record();
    for (let i = 0; i < 4; i++) {
      await json(`${ns}/pods`, { method: 'POST', json: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `tt-${i}`, labels: { round: String(i) } }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
      await record();
      await json(`${ns}/pods/tt-0`, { method: 'PATCH', json: { metadata: { labels: { round: `p${i}` } } }, headers: { 'content-type': 'application/merge-patch+json' } });
      await record();
    }
    await json(`${ns}/pods/tt-0`, { method: 'DELETE', json: { gracePeriodSeconds: 0 } });
    await record();
    for (const s of seen) {
      for (const at of [s.rv, s.time]) {
        const list = await json<{ metadata: { resourceVersion: string }; items: KObject[] }>(`${ns}/pods?at=${encodeURIComponent(at)}`);
        expect(list.items, `at=${at}`).toEqual(s.list);
        const r = await api.fetch(`${ns}/pods/tt-0?at=${encodeURIComponent(at)}`);
        if (s.one) expect(await r.json()).toEqual(s.one);
        else expect(r.status).toBe(404);
      }
    }
    const diff = await json<{ items: { change: string; name: string }[] }>(`/wharf/v1/diff?from=${seen[0]!.rv}&to=${seen.at(-1)!.rv}`);
    expect(diff.items.filter((d) => d.name.startsWith('tt-')).map((d) => [d.change, d.name])).toEqual([['ADDED', 'tt-1'], ['ADDED', 'tt-2'], ['ADDED', 'tt-3']]);
    expect((await api.fetch(`${ns}/pods?at=yesterday-ish`)).status).toBe(400);
  });

  it('explains why a replacement pod exists after a node failure', async () => {
    const admin = { actor: 'admin' };
    const node = await objects.create<KObject>(Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { actor: 'system:node:node-2' }, 'NodeRegistered');
    const rc = await objects.create<KObject>(RC, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'microservice1', namespace: 'default', uid: 'rc-uid' }, spec: { replicas: 4, selector: { app: 'ms1' }, template: { metadata: { labels: { app: 'ms1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } }, admin);
    const scaled = await objects.update<KObject>(RC, { ...rc, spec: { ...(rc.spec as object), replicas: 5 } }, Number(rc.metadata.resourceVersion), 'ReplicationControllerScaled', admin);
    const owner = [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'microservice1', uid: 'rc-uid', controller: true }];
    const podOf = (name: string, nodeName: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ownerReferences: owner, labels: { app: 'ms1' } }, spec: { nodeName, containers: [{ name: 'c', image: 'x' }] } });
    const rcActor = { actor: 'system:replication-controller' };
    const oldPod = await objects.create<KObject>(Pod, podOf('microservice1-abc', 'node-2'), { ...rcActor, cause: Number(scaled.metadata.resourceVersion) });
    const notReady = await objects.update<KObject>(Node, { ...node, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, Number(node.metadata.resourceVersion), 'NodeStatusUpdated', { actor: 'system:node-lifecycle', reason: 'no heartbeat for 40s' });
    const deleted = await objects.remove<KObject>(Pod, oldPod, Number(oldPod.metadata.resourceVersion), { actor: 'system:node-lifecycle', cause: Number(notReady.metadata.resourceVersion), reason: 'node node-2 NotReady' });
    await objects.create(Pod, podOf('microservice1-xyz', 'node-1'), { ...rcActor, cause: Number(deleted.metadata.resourceVersion) });

    const why = await json<{ summary: string[]; chain: { revision: number }[]; owner: { revision: number; actor: string } }>('/wharf/v1/why/namespaces/default/pods/microservice1-xyz');
    expect(why.owner).toMatchObject({ revision: Number(scaled.metadata.resourceVersion), actor: 'admin' });
    expect(why.chain.map((s) => s.revision)).toEqual([Number(deleted.metadata.resourceVersion) + 1, Number(deleted.metadata.resourceVersion), Number(notReady.metadata.resourceVersion)]);
    const text = why.summary.join('\n');
    expect(text).toContain('pod/microservice1-xyz exists because rc/microservice1 was scaled to 5 by user admin');
    expect(text).toContain('moved from node-2 because node-2 went NotReady');
    const nodeEvents = await json<{ items: { reason: string }[] }>('/api/v1/events?fieldSelector=involvedObject.kind=Node,involvedObject.name=node-2');
    expect(nodeEvents.items.map((e) => e.reason)).toEqual(['RegisteredNode', 'NodeNotReady']);
    const rcEvents = await json<{ items: { reason: string; message: string }[] }>(`${ns}/events?fieldSelector=involvedObject.kind=ReplicationController,involvedObject.name=microservice1`);
    expect(rcEvents.items.map((e) => e.message)).toEqual(['Created pod: microservice1-abc', 'Created pod: microservice1-xyz']);
  });

  it('the CLI prints history, the audit log, describe with Events, why, diff, get --at and replay', async () => {
    const wharf = (...args: string[]) => run(process.execPath, [BIN.cli, ...args], { env: { HOME: api.home, WHARF_CONFIG: api.configPath } });
    const h = await wharf('history', 'rc/web');
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^REVISION\s+TIME\s+TYPE\s+ACTOR\s+CAUSE\s+CHANGE/);
    expect(h.stdout).toMatch(/ReplicationControllerScaled\s+admin\s+<user>\s+spec.replicas: 5 → 8/);
    expect(JSON.parse((await wharf('history', 'pod', 'p1', '-o', 'json')).stdout).items).toHaveLength(5);
    const ev = await wharf('events', '--actor', 'system:*', '--kind', 'pods');
    expect(ev.stdout).toContain('pod/p1');
    expect(ev.stdout).toContain('system:scheduler');
    const d = await wharf('describe', 'pod', 'microservice1-xyz');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/Controlled By:\s+ReplicationController\/microservice1/);
    const dn = await wharf('describe', 'node', 'node-2');
    expect(dn.stdout).toMatch(/Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node node-2 status is now: NodeNotReady/);
    const drc = await wharf('describe', 'rc/microservice1');
    expect(drc.stdout).toContain('Created pod: microservice1-xyz');
    const why = await wharf('why', 'pod/microservice1-xyz');
    expect(why.stdout).toContain('because rc/microservice1 was scaled to 5 by user admin');
    const at = await wharf('get', 'pods', '--at', '1', '-o', 'json');
    expect(JSON.parse(at.stdout).items).toEqual([]);
    const diff = await wharf('diff', '--from', '1');
    expect(diff.stdout).toMatch(/ADDED\s+pod\/microservice1-xyz\s+default/);
    const verify = await wharf('replay', '--verify');
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('identical to the live state');
    const dump = await wharf('events', '-A', '-o', 'json');
    const file = join(api.home, 'log.json');
    writeFileSync(file, dump.stdout);
    const replay = await wharf('replay', '--reconciler', 'scheduler', '-f', file);
    expect(replay.code, replay.stderr).toBe(0);
    // p1 was bound to node-a in the log; the replayed scheduler, seeing node-a Ready, agrees.
    expect(replay.stdout).toMatch(/PodCreated default\/p1 → node-a \(log: PodBound node-a at #\d+ by system:scheduler\) ok/);
  });
});
