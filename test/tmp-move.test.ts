import { it } from 'vitest';
import { EventStore } from '@wharf/core';
import { startCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';
const hollow = ['--runtime', 'fake', '--max-pods', '2000'];
it('timeline', async () => {
  const c = await startCluster(`tmpmove-${process.pid}`, [{ name: 'a', args: hollow }, { name: 'b', args: hollow }], ['--node-monitor-grace-period', '3s', '--pod-eviction-timeout', '3s']);
  try {
    await c.api.fetch('/api/v1/namespaces/default/replicationcontrollers', { method: 'POST', json: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'r' }, spec: { replicas: 4, template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } } });
    const list = async () => ((await (await c.api.fetch('/api/v1/namespaces/default/pods')).json()) as { items: { spec: { nodeName?: string }; status: { phase: string } }[] }).items;
    await eventually(async () => (await list()).filter((p) => p.status.phase === 'Running').length === 4, 20_000);
    const t0 = Date.now();
    c.agents.get('a')!.child.kill('SIGKILL');
    await eventually(async () => { const l = await list(); return l.length === 4 && l.every((p) => p.spec.nodeName === 'b' && p.status.phase === 'Running'); }, 40_000, 100);
    console.log('moved after', Date.now() - t0);
    const store = await EventStore.connect({ natsUrl: c.nats.url, cluster: c.cluster, name: 'x' });
    const { last } = await store.bounds();
    for await (const e of store.read(1)) {
      const t = Date.parse(e.metadata.time) - t0;
      if (t > -500) console.log(t, e.type, e.data.metadata.name, e.metadata.actor, e.metadata.reason ?? '');
      if (e.seq >= last) break;
    }
    await store.close();
  } finally { await c.stop(); }
}, 120_000);
