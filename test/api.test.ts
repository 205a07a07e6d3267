import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startNats, type NatsHandle } from './harness/nats.js';
import { ROOT, startApi, type ApiHandle } from './harness/api.js';

const seed = (f: string) => parse(readFileSync(join(ROOT, 'examples', f), 'utf8')) as Record<string, unknown>;
const podBody = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'demo', tier: name.startsWith('db') ? 'db' : 'web' } },
  spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] },
  ...extra,
});

describe('API server against a real nats-server', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  const ns = '/api/v1/namespaces/default';

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'apitest' });
  });
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  const rv = async () => ((await (await api.fetch(`${ns}/pods`)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

  it('serves discovery and health, and asks for a token everywhere else', async () => {
    const v = await (await api.fetch("/version", { headers: { authorization: "none" } })).json();
    expect(v).toMatchObject({ major: '1', minor: '32' });
    expect((await api.fetch("/healthz", { headers: { authorization: "none" } })).status).toBe(200);
    expect((await api.fetch("/readyz", { headers: { authorization: "none" } })).status).toBe(200);
    const anon = await api.fetch(`${ns}/pods`, { headers: { authorization: "none" } });
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await api.fetch(`${ns}/pods`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    const res = (await (await api.fetch('/api/v1')).json()) as { resources: { name: string; shortNames?: string[] }[] };
    const short = Object.fromEntries(res.resources.filter((r) => r.shortNames).map((r) => [r.name, r.shortNames]));
    expect(short).toMatchObject({ pods: ['po'], services: ['svc'], replicationcontrollers: ['rc'], nodes: ['no'], endpoints: ['ep'], namespaces: ['ns'], events: ['ev'] });
    expect(((await (await api.fetch('/api')).json()) as { versions: string[] }).versions).toEqual(['v1']);
    const nsList = (await (await api.fetch('/api/v1/namespaces')).json()) as { items: { metadata: { name: string } }[] };
    expect(nsList.items.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });

  it('creates, gets, lists, replaces and deletes, recording the token user as actor', async () => {
    const created = await api.fetch(`${ns}/pods`, { method: 'POST', json: seed('microservice1-pod.yaml') });
    expect(created.status).toBe(201);
    const pod = (await created.json()) as { metadata: Record<string, string>; status: { phase: string }; spec: { restartPolicy: string } };
    expect(pod.metadata).toMatchObject({ name: 'microservice1', namespace: 'default' });
    expect(pod.metadata.uid).toBeTruthy();
    expect(pod.status.phase).toBe('Pending');
    expect(pod.spec.restartPolicy).toBe('Always');
    const got = (await (await api.fetch(`${ns}/pods/microservice1`)).json()) as { metadata: { labels: Record<string, string> } };
    expect(got).toEqual(pod);
    const list = (await (await api.fetch(`${ns}/pods`)).json()) as { kind: string; items: unknown[]; metadata: { resourceVersion: string } };
    expect(list.kind).toBe('PodList');
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(pod.metadata.resourceVersion));
    const all = (await (await api.fetch('/api/v1/pods')).json()) as { items: unknown[] };
    expect(all.items.length).toBeGreaterThanOrEqual(1);

    const changed = { ...got, metadata: { ...got.metadata, labels: { ...got.metadata.labels, version: 'v2' } } };
    const put = await api.fetch(`${ns}/pods/microservice1`, { method: 'PUT', json: changed });
    expect(put.status).toBe(200);
    const replaced = (await put.json()) as { metadata: { resourceVersion: string; labels: Record<string, string> } };
    expect(replaced.metadata.labels.version).toBe('v2');
    expect(Number(replaced.metadata.resourceVersion)).toBeGreaterThan(Number(pod.metadata.resourceVersion));

    for (const f of ['microservice1-svc.yaml', 'microservice1-rc.yaml']) {
      const body = seed(f);
      const res = await api.fetch(`${ns}/${body.kind === 'Service' ? 'services' : 'replicationcontrollers'}`, { method: 'POST', json: body });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const rc = (await (await api.fetch(`${ns}/replicationcontrollers/microservice1`)).json()) as { spec: { selector: Record<string, string>; replicas: number } };
    expect(rc.spec).toMatchObject({ replicas: 5, selector: { name: 'microservice1' } });

    const del = await api.fetch(`${ns}/pods/microservice1`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await api.fetch(`${ns}/pods/microservice1`)).status).toBe(404);
    const notFound = (await (await api.fetch(`${ns}/pods/microservice1`)).json()) as { message: string; reason: string };
    expect(notFound).toMatchObject({ reason: 'NotFound', message: 'pods "microservice1" not found' });
  });

  it('filters by label and field selectors', async () => {
    for (const n of ['web-a', 'web-b', 'db-a']) expect((await api.fetch(`${ns}/pods`, { method: 'POST', json: podBody(n) })).status).toBe(201);
    const names = async (q: string) => ((await (await api.fetch(`${ns}/pods?${q}`)).json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name).sort();
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['web-a', 'web-b']);
    expect(await names('labelSelector=tier!%3Dweb,app%3Ddemo')).toEqual(['db-a']);
    expect(await names('labelSelector=tier%20in%20(db,cache)')).toEqual(['db-a']);
    expect(await names('labelSelector=tier%20notin%20(db)')).toEqual(['web-a', 'web-b']);
    expect(await names('labelSelector=!tier')).toEqual([]);
    expect(await names('fieldSelector=metadata.name%3Dweb-b')).toEqual(['web-b']);
    expect(await names('fieldSelector=metadata.name!%3Dweb-b,status.phase%3D%3DPending&labelSelector=app')).toEqual(['db-a', 'web-a']);
    expect(await names('fieldSelector=spec.nodeName%3D')).toEqual(['db-a', 'web-a', 'web-b']);
    expect((await api.fetch(`${ns}/pods?fieldSelector=spec.bogus%3Dx`)).status).toBe(400);
    expect((await api.fetch(`${ns}/pods?labelSelector=a%20in%20(`)).status).toBe(400);
  });

  it('rejects bad input with a Status and leaves the state unchanged', async () => {
    const before = await rv();
    const post = (body: string | object, type = 'application/json', path = `${ns}/pods`) =>
      api.fetch(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });
    const cases: [Promise<Response>, number, string, string?][] = [
      [post('{"kind": "Pod", '), 400, 'BadRequest'],
      [post('a: [b', 'application/yaml'), 400, 'BadRequest'],
      [post(podBody('x', { kind: 'Service' })), 400, 'BadRequest'],
      [post(podBody('bad_name')), 422, 'Invalid', 'metadata.name'],
      [post({ ...podBody('u'), spec: { containers: [{ name: 'c', image: 'i', imagePolicy: 'x' }] } }), 422, 'Invalid', 'spec.containers[0].imagePolicy'],
      [post({ ...podBody('m'), spec: { containers: [{ name: 'c' }] } }), 422, 'Invalid', 'spec.containers[0].image'],
      [post({ ...podBody('t'), spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'http' }] }] } }), 422, 'Invalid', 'spec.containers[0].ports[0].containerPort'],
      [post({ ...podBody('t2'), spec: { containers: 'nope' } }), 422, 'Invalid', 'spec.containers'],
      [post(podBody('n'), 'application/json', '/api/v1/namespaces/missing/pods'), 404, 'NotFound'],
      [post(podBody('x'), 'text/plain'), 415, 'UnsupportedMediaType'],
      [post(JSON.stringify(podBody('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } } }))), 413, 'RequestEntityTooLarge'],
      [api.fetch(`${ns}/gizmos`), 404, 'NotFound'],
      [api.fetch(`${ns}/pods/web-a`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/apply-patch+yaml' } }), 415, 'UnsupportedMediaType'],
      [post({ ...seed('microservice1-rc.yaml'), metadata: { name: 'rc2' }, spec: { replicas: 1, selector: { app: 'other' }, template: (seed('microservice1-rc.yaml').spec as { template: unknown }).template } }, 'application/json', `${ns}/replicationcontrollers`), 422, 'Invalid', 'spec.template.metadata.labels'],
      [post({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } }, 'application/json', `${ns}/services`), 422, 'Invalid', 'spec.ports[0].nodePort'],
    ];
    for (const [p, code, reason, field] of cases) {
      const res = await p;
      const body = (await res.json()) as { kind: string; code: number; reason: string; details?: { causes?: { field: string }[] } };
      expect({ status: res.status, kind: body.kind, reason: body.reason }, JSON.stringify(body).slice(0, 300)).toEqual({ status: code, kind: 'Status', reason });
      expect(body.code).toBe(code);
      if (field) expect(body.details?.causes?.map((c) => c.field)).toContain(field);
    }
    expect(await rv()).toBe(before);
    expect((await api.fetch(`${ns}/pods/bad_name`)).status).toBe(404);
  });

  it('lets exactly one of two racing writers with the same resourceVersion win', async () => {
    const pod = (await (await api.fetch(`${ns}/pods`, { method: 'POST', json: podBody('race') })).json()) as { metadata: Record<string, unknown> };
    const put = (v: string) => api.fetch(`${ns}/pods/race`, { method: 'PUT', json: { ...pod, metadata: { ...pod.metadata, labels: { who: v } } } });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(put));
    const codes = results.map((r) => r.status).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    const conflict = (await results.find((r) => r.status === 409)!.json()) as { reason: string };
    expect(conflict.reason).toBe('Conflict');
  });

  it('patches with merge, JSON and strategic merge patches, and scales through /scale', async () => {
    const merge = await api.fetch(`${ns}/pods/web-a`, { method: 'PATCH', body: JSON.stringify({ metadata: { labels: { patched: 'yes' } } }), headers: { 'content-type': 'application/merge-patch+json' } });
    expect(merge.status).toBe(200);
    expect(((await merge.json()) as { metadata: { labels: Record<string, string> } }).metadata.labels).toMatchObject({ patched: 'yes', app: 'demo' });
    const jp = await api.fetch(`${ns}/pods/web-a`, { method: 'PATCH', body: JSON.stringify([{ op: 'remove', path: '/metadata/labels/patched' }]), headers: { 'content-type': 'application/json-patch+json' } });
    expect(((await jp.json()) as { metadata: { labels: Record<string, string> } }).metadata.labels.patched).toBeUndefined();
    const smp = await api.fetch(`${ns}/pods/web-a`, { method: 'PATCH', body: JSON.stringify({ spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:2' }] } }), headers: { 'content-type': 'application/strategic-merge-patch+json' } });
    expect(smp.status).toBe(200);
    const scale = await api.fetch(`${ns}/replicationcontrollers/microservice1/scale`, { method: 'PATCH', body: JSON.stringify({ spec: { replicas: 8 } }), headers: { 'content-type': 'application/merge-patch+json' } });
    expect(scale.status).toBe(200);
    expect(await scale.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 8 }, status: { selector: 'name=microservice1' } });
  });

  it('answers a malformed JSON patch with 400 and one that does not fit with 422, and changes nothing', async () => {
    const before = await rv();
    const jsonPatch = (body: string | object[], object = 'pods/web-a') => api.fetch(`${ns}/${object}`, { method: 'PATCH', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json-patch+json' } });
    const cases: [Promise<Response>, number, string][] = [
      [jsonPatch([{ op: 'remove', path: '/spec/containers/foo' }]), 422, 'Invalid'],
      [jsonPatch([{ op: 'add', path: '/spec/template/spec/containers/5', value: { name: 'd', image: 'wharf.local/busybox:1' } }], 'replicationcontrollers/microservice1'), 422, 'Invalid'],
      [jsonPatch([{ op: 'test', path: '/metadata/labels/app', value: 'other' }]), 422, 'Invalid'],
      [jsonPatch('[{ "op": "add", "path": "/metadata/labels/x", "value": "y", "op": "remove" }]'), 400, 'BadRequest'],
      [jsonPatch([{ op: 'add', path: '/metadata/__proto__/polluted', value: 'y' }]), 400, 'BadRequest'],
      [jsonPatch([{ op: 'frob', path: '/metadata' }]), 400, 'BadRequest'],
    ];
    for (const [p, code, reason] of cases) {
      const res = await p;
      expect({ status: res.status, body: await res.json() }).toMatchObject({ status: code, body: { kind: 'Status', status: 'Failure', reason, code } });
    }
    expect(await rv()).toBe(before);
    const ok = await jsonPatch([{ op: 'test', path: '/metadata/labels', value: { tier: 'web', app: 'demo' } }, { op: 'add', path: '/metadata/labels/jp', value: 'yes' }]);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({ app: 'demo', tier: 'web', jp: 'yes' });
  });

  it('watches from an old resourceVersion: replays what was missed, then follows', async () => {
    const start = await rv();
    await api.fetch(`${ns}/pods`, { method: 'POST', json: podBody('w1') });
    await api.fetch(`${ns}/pods/w1`, { method: 'DELETE' });
    const ctl = new AbortController();
    const res = await api.fetch(`${ns}/pods?watch=true&resourceVersion=${start}`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    let buf = '';
    const next = async () => {
      while (!buf.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('watch closed');
        buf += value;
      }
      const i = buf.indexOf('\n');
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      events.push(JSON.parse(line));
    };
    await next();
    await next();
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w1'], ['DELETED', 'w1']]);
    await api.fetch(`${ns}/pods`, { method: 'POST', json: podBody('w2') });
    await next();
    expect(events[2]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w2' } } });
    ctl.abort();
  });

  it('survives a kill: a restarted API server serves the same state from the log', async () => {
    const before = await (await api.fetch('/api/v1/pods')).json();
    await api.kill('SIGKILL');
    await api.restart();
    const after = await (await api.fetch('/api/v1/pods')).json();
    expect(after).toEqual(before);
  });

  it('two API servers on one stream see each other’s writes at once', async () => {
    const other = await startApi({ natsUrl: nats.url, cluster: 'apitest', home: api.home });
    try {
      expect(other.token).toBe(api.token);
      for (let i = 0; i < 10; i++) {
        const [writer, reader] = i % 2 ? [api, other] : [other, api];
        expect((await writer.fetch(`${ns}/pods`, { method: 'POST', json: podBody(`two-${i}`) })).status).toBe(201);
        expect((await reader.fetch(`${ns}/pods/two-${i}`)).status).toBe(200);
      }
    } finally {
      await other.stop();
    }
  });
});
