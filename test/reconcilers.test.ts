import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KObject, mustKind } from '@wharf/model';
import { EventStore, NodeFeed, Objects, Projection } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

const BIN = fileURLToPath(new URL('../packages/reconcilers/bin/wharf-reconcilers.js', import.meta.url));
const PodKind = mustKind('Pod');
const NodeKind = mustKind('Node');

const node = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
  status: { phase: 'Pending' },
});

/** Starts the daemon; resolves once it logged that its controllers run. */
async function startBin(url: string, cluster: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, '--nats', url, '--cluster', cluster], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WHARF_LOG_LEVEL: 'info' } });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    p.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('reconcilers started')) resolve();
    });
    p.once('exit', (code) => reject(new Error(`wharf-reconcilers exited with ${code}: ${buf}`)));
  });
  return p;
}

function exitOf(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (p.exitCode !== null ? resolve(p.exitCode) : p.once('exit', (code) => resolve(code))));
}

describe('wharf-reconcilers on a real nats-server', () => {
  let nats: NatsHandle;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => nats?.stop());

  it('schedules pods, feeds them to their nodes, stops on SIGTERM, and catches up after a restart', async () => {
    const cluster = 'bin';
    const store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'writer' });
    const projection = new Projection(store);
    await projection.start();
    const objects = new Objects(store, projection);
    const feed = await NodeFeed.open(store);
    await objects.create(NodeKind, node('n1'), { actor: 'admin' });
    await objects.create(NodeKind, node('n2'), { actor: 'admin' });
    for (const n of ['a', 'b', 'c', 'd']) await objects.create(PodKind, pod(n), { actor: 'admin' });

    // Two instances at once: all writes are compare-and-set.
    const procs = await Promise.all([startBin(nats.url, cluster), startBin(nats.url, cluster)]);
    const placed = await eventually(async () => {
      await projection.sync();
      const pods = projection.list('Pod') as unknown as { metadata: { name: string }; spec: { nodeName?: string } }[];
      return pods.every((p) => p.spec.nodeName) ? pods : undefined;
    }, 20_000);
    expect(new Set(placed.map((p) => p.spec.nodeName))).toEqual(new Set(['n1', 'n2']));
    for (const p of placed) {
      await eventually(async () => (await feed.get(p.spec.nodeName!, 'default', p.metadata.name))?.pod?.spec.nodeName === p.spec.nodeName, 10_000);
    }

    for (const p of procs) p.kill('SIGTERM');
    expect(await Promise.all(procs.map(exitOf))).toEqual([0, 0]);

    // While no reconciler runs, a pod is deleted; the restarted one tombstones it on its feed.
    const gone = projection.get('Pod', 'default', 'a')!;
    const goneNode = (gone as unknown as { spec: { nodeName: string } }).spec.nodeName;
    await objects.remove(PodKind, gone, Number(gone.metadata.resourceVersion), { actor: 'admin' });
    const again = await startBin(nats.url, cluster);
    await eventually(async () => (await feed.get(goneNode, 'default', 'a'))?.removed !== undefined, 15_000);
    const tomb = await feed.get(goneNode, 'default', 'a');
    expect(tomb?.resourceVersion).toBeGreaterThan(Number(gone.metadata.resourceVersion));
    again.kill('SIGTERM');
    expect(await exitOf(again)).toBe(0);
    projection.stop();
    await store.close();
  });
});
