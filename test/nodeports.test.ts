import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from './harness/nats.js';
import { startApi, type ApiHandle } from './harness/api.js';

type Svc = { spec: { ports: { nodePort?: number }[] } };
const ns = '/api/v1/namespaces/default';
const body = (name: string, nodePort?: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] } });

describe('NodePort allocation by two API servers of one cluster', () => {
  let nats: NatsHandle;
  let a: ApiHandle;
  let b: ApiHandle;
  /** Ports the servers handed out on their own: an explicit port below must be none of them. */
  const taken = new Set<number>();
  const freePort = (from: number) => {
    let p = from;
    while (taken.has(p)) p++;
    taken.add(p);
    return p;
  };

  beforeAll(async () => {
    nats = await startNats();
    a = await startApi({ natsUrl: nats.url, cluster: 'nodeports' });
    b = await startApi({ natsUrl: nats.url, cluster: 'nodeports', home: a.home });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await nats?.stop();
  });

  it('never hands out one port twice, with 40 creates racing on two servers', async () => {
    const res = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).fetch(`${ns}/services`, { method: 'POST', json: body(`auto-${i}`) })));
    expect(res.map((r) => r.status)).toEqual(Array(40).fill(201));
    const ports = await Promise.all(res.map(async (r) => ((await r.json()) as Svc).spec.ports[0]!.nodePort!));
    expect(new Set(ports).size).toBe(40);
    for (const p of ports) expect(p >= 30000 && p <= 32767).toBe(true);
    for (const p of ports) taken.add(p);
  });

  it('lets exactly one of two servers take the same explicit port; the other gets 422', async () => {
    const want = freePort(32100);
    const [x, y] = await Promise.all([a.fetch(`${ns}/services`, { method: 'POST', json: body('want-1', want) }), b.fetch(`${ns}/services`, { method: 'POST', json: body('want-2', want) })]);
    expect([x.status, y.status].sort()).toEqual([201, 422]);
    const loser = x.status === 422 ? x : y;
    expect(((await loser.json()) as { message: string }).message).toContain(`spec.ports[0].nodePort: Invalid value: ${want}: provided port is already allocated`);
  });

  it('keeps the port on update, and frees it on delete', async () => {
    const kept = freePort(32200);
    const create = await a.fetch(`${ns}/services`, { method: 'POST', json: body('keep', kept) });
    expect(create.status).toBe(201);
    const created = (await create.json()) as Svc;
    const put = await b.fetch(`${ns}/services/keep`, { method: 'PUT', json: { ...body('keep'), metadata: { name: 'keep', labels: { changed: 'yes' } } } });
    expect(put.status).toBe(200);
    expect(((await put.json()) as Svc).spec.ports[0]!.nodePort).toBe(created.spec.ports[0]!.nodePort);
    expect((await a.fetch(`${ns}/services`, { method: 'POST', json: body('steal', kept) })).status).toBe(422);
    expect((await b.fetch(`${ns}/services/keep`, { method: 'DELETE' })).status).toBe(200);
    expect((await a.fetch(`${ns}/services`, { method: 'POST', json: body('steal', kept) })).status).toBe(201);
  });

  it('rejects a port out of range', async () => {
    const r = await a.fetch(`${ns}/services`, { method: 'POST', json: body('far', 29999) });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { message: string }).message).toContain('provided port is not in the valid range. The range of valid ports is 30000-32767');
  });
});
