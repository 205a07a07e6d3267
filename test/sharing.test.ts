/**
 * Reconciler instances share the work: two managers on one real nats-server split the
 * replication controllers between them (each reconciles only the keys it owns), and when one
 * leaves, the other takes its keys over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '@wharf/model';
import { createLogger, EventStore, Projection } from '@wharf/store';
import { objectKey, startManager, type Manager } from '@wharf/reconcilers';
import { startApi, type ApiHandle } from './harness/api.js';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

const RCS = 12;
const rc = (name: string, replicas: number): KObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } },
});

describe('reconcilers share the work', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  const cluster = 'sharing';
  const managers: Manager[] = [];
  let store: EventStore;
  let projection: Projection;
  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster });
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'writer' });
    projection = new Projection(store);
    await projection.start();
  });
  afterAll(async () => {
    for (const m of managers) await m.stop().catch(() => undefined);
    projection?.stop();
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  const start = async (instance: string) => {
    const m = await startManager({ natsUrl: nats.url, cluster, controllers: ['replication', 'gc'], log: createLogger('reconcilers', process.env.T_LOG ?? 'warn'), instance });
    managers.push(m);
    return m;
  };
  const call = async (method: string, path: string, json: unknown, contentType?: string) => {
    const res = await api.fetch(path, { method, json, ...(contentType ? { headers: { 'content-type': contentType } } : {}) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  };
  const podsOf = (name: string) => projection.list('Pod').filter((p) => p.metadata.labels?.app === name && !p.metadata.deletionTimestamp);

  it('splits the keys between live instances, and hands them over when one leaves', async () => {
    const a = await start('instance-a');
    const b = await start('instance-b');
    await eventually(() => (expect([a.membership!.members, b.membership!.members]).toEqual([['instance-a', 'instance-b'], ['instance-a', 'instance-b']]), true));

    for (let i = 0; i < RCS; i++) await call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc(`rc-${i}`, 2));
    await eventually(() => {
      for (let i = 0; i < RCS; i++) expect(podsOf(`rc-${i}`)).toHaveLength(2);
      return true;
    }, 20_000);

    // Each key has exactly one owner, and each instance reconciled only its own.
    const keys = Array.from({ length: RCS }, (_, i) => objectKey('ReplicationController', 'default', `rc-${i}`));
    const ownedByA = keys.filter((k) => a.membership!.owns(k));
    const ownedByB = keys.filter((k) => b.membership!.owns(k));
    expect(ownedByA.length + ownedByB.length).toBe(RCS);
    expect(ownedByA.filter((k) => ownedByB.includes(k))).toEqual([]);
    expect(ownedByA.length).toBeGreaterThan(0);
    expect(ownedByB.length).toBeGreaterThan(0);
    const ra = a.replication!.controller.stats;
    const rb = b.replication!.controller.stats;
    expect(ra.reconciled).toBeGreaterThan(0);
    expect(rb.reconciled).toBeGreaterThan(0);
    // Each passed over the changes of the other's keys instead of reconciling them too.
    expect(ra.passed).toBeGreaterThan(0);
    expect(rb.passed).toBeGreaterThan(0);

    // b leaves: a owns everything at once (b deleted its lease) and scales every controller.
    await b.stop();
    managers.splice(managers.indexOf(b), 1);
    await eventually(() => (expect(a.membership!.members).toEqual(['instance-a']), true));
    for (const k of keys) expect(a.membership!.owns(k)).toBe(true);
    for (let i = 0; i < RCS; i++) await call('PATCH', `/api/v1/namespaces/default/replicationcontrollers/rc-${i}/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    await eventually(() => {
      for (let i = 0; i < RCS; i++) expect(podsOf(`rc-${i}`)).toHaveLength(3);
      return true;
    }, 20_000);
  }, 60_000);
});
