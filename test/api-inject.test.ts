/**
 * The API's HTTP behaviour in-process: the real plugin on a real context (one nats-server, no
 * Docker, no spawned API server), driven with fastify's `inject`. Status errors, content
 * negotiation, patch types, subresources, watch and dry run.
 */
import Fastify, { type FastifyInstance, type InjectOptions, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPlugin, type OpenContext, openApiContext, serverOptions } from '@wharf/api';
import { createLogger } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';

const ns = '/api/v1/namespaces/default';
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'inject', role: name.startsWith('db') ? 'db' : 'web' } },
  spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1', ports: [{ containerPort: 80 }] }] },
  ...extra,
});
const rc = (name: string, replicas: number) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas, selector: { rc: name }, template: { metadata: { labels: { rc: name } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } },
});

/** The Status body a failure leaves with. */
const status = (code: number, reason: string, message?: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, ...(message ? { message } : {}) });

describe('the API plugin, in-process with inject', () => {
  let nats: NatsHandle;
  let opened: OpenContext;
  let app: FastifyInstance;
  let token: string;
  const routes: RouteOptions[] = [];

  /** One authenticated request; `json` is sent as the body with its content type. */
  const call = (method: InjectOptions['method'], url: string, o: { json?: unknown; body?: string; type?: string; accept?: string; token?: string } = {}) =>
    app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${o.token ?? token}`,
        ...(o.type || o.json !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}),
        ...(o.accept ? { accept: o.accept } : {}),
      },
      ...(o.json !== undefined ? { payload: JSON.stringify(o.json) } : o.body !== undefined ? { payload: o.body } : {}),
    });
  const lines = (body: string) => body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { kind: string; metadata: { name: string } } });

  beforeAll(async () => {
    nats = await startNats();
    opened = await openApiContext({ natsUrl: nats.url, cluster: 'inject', snapshots: false, log: createLogger('api-inject', 'silent') });
    app = Fastify(serverOptions);
    app.addHook('onRoute', (r) => void routes.push(r));
    await app.register(apiPlugin, opened.ctx);
    await app.ready();
    token = (await opened.ctx.tokens.create({ user: 'inject-admin', groups: ['system:masters'] }))!.token;
    for (const p of [pod('web-1'), pod('web-2'), pod('db-1')]) expect((await call('POST', `${ns}/pods`, { json: p })).statusCode).toBe(201);
    expect((await call('POST', `${ns}/replicationcontrollers`, { json: rc('frontend', 2) })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
    await nats?.stop();
  });

  it('declares each route with its method, URL and schema', () => {
    const find = (method: string, url: string) => routes.find((r) => r.method === method && r.url === url);
    expect(find('GET', '/api/v1/namespaces/:namespace/pods')?.schema?.querystring).toMatchObject({ properties: { watch: {}, labelSelector: {}, timeoutSeconds: { pattern: '^[0-9]*$' } } });
    expect(find('PATCH', '/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale')?.schema?.querystring).toMatchObject({ properties: { dryRun: { enum: ['All'] } } });
    expect(find('GET', '/api/v1/namespaces/:namespace/pods/:name/log')?.schema?.params).toMatchObject({ properties: { namespace: {}, name: {} } });
    expect(find('DELETE', '/api/v1/nodes/:name')).toBeDefined();
    expect(find('GET', '/api/v1/watch/pods')).toBeDefined();
    expect(routes.some((r) => String(r.url).includes('*'))).toBe(false);
    expect(find('GET', '/api/v1/namespaces/:namespace/services/:name/scale')).toBeUndefined();
  });

  it('answers failures with a Kubernetes Status', async () => {
    const cases: [Promise<{ statusCode: number; json(): unknown }>, ReturnType<typeof status>][] = [
      [call('GET', `${ns}/pods`, { token: 'nope' }), status(401, 'Unauthorized', 'Unauthorized: the bearer token is not valid')],
      [call('GET', `${ns}/gizmos`), { ...status(404, 'NotFound', 'the server could not find the requested resource'), details: {} } as never],
      [call('GET', '/api/v1/pods/web-1'), status(404, 'NotFound', 'the server could not find the requested resource')],
      [call('GET', `${ns}/pods/missing`), { ...status(404, 'NotFound', 'pods "missing" not found'), details: { name: 'missing', kind: 'pods' } } as never],
      [call('PUT', `${ns}/pods`, { json: {} }), status(405, 'MethodNotAllowed', 'PUT is not supported on /api/v1/namespaces/default/pods')],
      [call('POST', '/api/v1/pods', { json: pod('x') }), status(405, 'MethodNotAllowed', 'POST on all namespaces is not supported: use /api/v1/namespaces/{namespace}/pods')],
      [call('DELETE', `${ns}/replicationcontrollers/frontend/scale`), status(405, 'MethodNotAllowed')],
      [call('POST', `${ns}/pods`, { body: '{"kind": "Pod", ', type: 'application/json' }), status(400, 'BadRequest')],
      [call('POST', `${ns}/pods`, { body: 'a: [b', type: 'application/yaml' }), status(400, 'BadRequest')],
      [call('GET', `${ns}/pods?watch=1&timeoutSeconds=soon`), status(400, 'BadRequest', 'invalid value for timeoutSeconds: "soon" is not a non-negative integer')],
      [call('POST', `${ns}/pods?dryRun=Some`, { json: pod('x') }), status(400, 'BadRequest', 'dryRun must be "All"; got "Some"')],
      [call('POST', `${ns}/pods?fieldValidation=Loud`, { json: pod('x') }), status(400, 'BadRequest', 'fieldValidation must be one of Strict, Warn, Ignore; got "Loud"')],
      [call('PATCH', `${ns}/pods/web-1`, { body: '{}', type: 'application/apply-patch+yaml' }), status(415, 'UnsupportedMediaType')],
      [call('PATCH', `${ns}/pods/web-1`, { json: {} }), status(415, 'UnsupportedMediaType')],
      [call('POST', `${ns}/pods`, { body: 'x', type: 'text/plain' }), status(415, 'UnsupportedMediaType')],
      [call('POST', '/api/v1/namespaces/missing/pods', { json: pod('x') }), status(404, 'NotFound', 'namespaces "missing" not found')],
      // Another body for a live name (the same body again is a retry of the create: 201, see ha-store).
      [call('POST', `${ns}/pods`, { json: pod('web-1', { spec: { containers: [{ name: 'other', image: 'wharf.local/busybox:1' }] } }) }), status(409, 'AlreadyExists', 'pods "web-1" already exists')],
    ];
    for (const [res, want] of cases) {
      const r = await res;
      expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: want.code, body: want });
    }
    const patch415 = (await call('PATCH', `${ns}/pods/web-1`, { body: '{}', type: 'application/apply-patch+yaml' })).json() as { message: string };
    expect(patch415.message).toContain('"application/apply-patch+yaml" is not supported');
  });

  it('answers 422 Invalid with a cause per bad field, and 413 for an oversized body', async () => {
    const causes = async (body: unknown) => {
      const r = await call('POST', `${ns}/pods`, { json: body });
      expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 422, body: status(422, 'Invalid') });
      return (r.json() as { details: { causes: { field: string; reason: string }[] } }).details.causes;
    };
    const shape = await causes(pod('shape', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'http' }] }] } }));
    expect(shape.map((c) => [c.field, c.reason])).toEqual([
      ['spec.containers[0].image', 'FieldValueRequired'],
      ['spec.containers[0].ports[0].containerPort', 'FieldValueTypeInvalid'],
    ]);
    expect((await causes(pod('Bad_Name'))).map((c) => c.field)).toEqual(['metadata.name']);
    const big = await call('POST', `${ns}/pods`, { json: pod('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } } }) });
    expect({ code: big.statusCode, body: big.json() }).toMatchObject({ code: 413, body: status(413, 'RequestEntityTooLarge') });
  });

  it('negotiates JSON, YAML bodies and meta.k8s.io Tables', async () => {
    const list = (await call('GET', `${ns}/pods?labelSelector=role%3Dweb`)).json() as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe('PodList');
    expect(list.items.map((p) => p.metadata.name).sort()).toEqual(['web-1', 'web-2']);

    const yaml = await call('POST', `${ns}/pods`, { body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n  - name: c\n    image: wharf.local/busybox:1\n', type: 'application/yaml' });
    expect(yaml.statusCode).toBe(201);

    const table = await call('GET', `${ns}/pods?fieldSelector=metadata.name%3Dweb-1`, { accept: TABLE });
    const t = table.json() as { kind: string; apiVersion: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]!.cells.slice(0, 4)).toEqual(['web-1', '0/1', 'Pending', '0']);
    expect(t.rows[0]!.object.kind).toBe('PartialObjectMetadata');
    const full = (await call('GET', `${ns}/pods/web-1?includeObject=Object`, { accept: TABLE })).json() as typeof t;
    expect(full.rows.map((r) => r.object.kind)).toEqual(['Pod']);
  });

  it('patches with merge, strategic merge and JSON patches, and through status and scale', async () => {
    const patch = async (type: string, body: unknown, url = `${ns}/pods/web-2`) => {
      const r = await call('PATCH', url, { body: JSON.stringify(body), type });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string; ports?: unknown[] }[]; replicas?: number }; status: Record<string, unknown> };
    };
    expect((await patch('application/merge-patch+json', { metadata: { labels: { patched: 'merge' } } })).metadata.labels).toMatchObject({ app: 'inject', patched: 'merge' });
    const smp = await patch('application/strategic-merge-patch+json', { spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:2' }] } });
    expect(smp.spec.containers).toEqual([expect.objectContaining({ name: 'c', image: 'wharf.local/busybox:2', ports: [expect.objectContaining({ containerPort: 80 })] })]);
    const jp = await patch('application/json-patch+json', [{ op: 'remove', path: '/metadata/labels/patched' }, { op: 'add', path: '/metadata/labels/json', value: 'yes' }]);
    expect(jp.metadata.labels).toEqual({ app: 'inject', role: 'web', json: 'yes' });

    const st = await patch('application/merge-patch+json', { status: { message: 'from status' }, spec: { nodeName: 'ignored' } }, `${ns}/pods/web-2/status`);
    expect(st.status.message).toBe('from status');
    expect((st.spec as { nodeName?: string }).nodeName).toBeUndefined();

    const scaled = (await call('PATCH', `${ns}/replicationcontrollers/frontend/scale`, { body: '{"spec":{"replicas":4}}', type: 'application/merge-patch+json' })).json();
    expect(scaled).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { selector: 'rc=frontend' } });
    expect(((await call('GET', `${ns}/replicationcontrollers/frontend`)).json() as { spec: { replicas: number } }).spec.replicas).toBe(4);
  });

  it('appends no event for a write that changes nothing, and keeps the resourceVersion (as Kubernetes does)', async () => {
    const before = (await call('GET', `${ns}/pods/web-1`)).json() as { metadata: { resourceVersion: string; labels: Record<string, string> } };
    const { last } = await opened.ctx.store.bounds();
    const writes = [
      call('PATCH', `${ns}/pods/web-1`, { body: JSON.stringify({ metadata: { labels: before.metadata.labels } }), type: 'application/merge-patch+json' }),
      call('PATCH', `${ns}/pods/web-1`, { body: '{}', type: 'application/strategic-merge-patch+json' }),
      call('PATCH', `${ns}/pods/web-1`, { body: JSON.stringify([{ op: 'test', path: '/metadata/name', value: 'web-1' }]), type: 'application/json-patch+json' }),
      call('PUT', `${ns}/pods/web-1`, { json: before }),
    ];
    for (const w of writes) {
      const r = await w;
      expect(r.statusCode, r.body).toBe(200);
      expect((r.json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    }
    const rc = (await call('GET', `${ns}/replicationcontrollers/frontend`)).json() as { spec: { replicas: number }; metadata: { resourceVersion: string } };
    const scale = await call('PATCH', `${ns}/replicationcontrollers/frontend/scale`, { body: JSON.stringify({ spec: { replicas: rc.spec.replicas } }), type: 'application/merge-patch+json' });
    expect(scale.statusCode, scale.body).toBe(200);
    expect((await call('GET', `${ns}/replicationcontrollers/frontend`)).json()).toMatchObject({ metadata: { resourceVersion: rc.metadata.resourceVersion } });
    expect((await opened.ctx.store.bounds()).last).toBe(last);
  });

  it('dry runs writes without storing them, and warns about unknown fields when asked to', async () => {
    const dry = await call('POST', `${ns}/pods?dryRun=All`, { json: pod('dry') });
    expect(dry.statusCode).toBe(201);
    expect((dry.json() as { metadata: { name: string } }).metadata.name).toBe('dry');
    expect((await call('GET', `${ns}/pods/dry`)).statusCode).toBe(404);
    // The pod is still there after a dry-run delete, so the answer is 202 as for a pending deletion.
    expect((await call('DELETE', `${ns}/pods/web-1?dryRun=All`)).statusCode).toBe(202);
    expect((await call('GET', `${ns}/pods/web-1`)).statusCode).toBe(200);

    const unknown = pod('warned', { spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }], bogus: 1 } });
    const strict = await call('POST', `${ns}/pods`, { json: unknown });
    expect(strict.statusCode).toBe(422);
    const warned = await call('POST', `${ns}/pods?fieldValidation=Warn`, { json: unknown });
    expect(warned.statusCode).toBe(201);
    expect(warned.headers.warning).toBe(`299 - "unknown field 'spec.bogus'"`);
  });

  it('starts watches: the current objects as ADDED, or the changes after a resourceVersion', async () => {
    const current = lines((await call('GET', `${ns}/pods?watch=1&timeoutSeconds=1&labelSelector=role%3Ddb`)).body);
    expect(current.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'db-1']]);

    const rv = ((await call('GET', `${ns}/pods`)).json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    expect((await call('POST', `${ns}/pods`, { json: pod('db-2') })).statusCode).toBe(201);
    expect((await call('DELETE', `${ns}/pods/db-2`)).statusCode).toBe(200);
    const replay = lines((await call('GET', `/api/v1/watch/namespaces/default/pods?timeoutSeconds=1&resourceVersion=${rv}`)).body);
    expect(replay.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'db-2'], ['DELETED', 'db-2']]);

    const tables = lines((await call('GET', `${ns}/pods/db-1?watch=true&timeoutSeconds=1`, { accept: TABLE })).body);
    expect(tables.map((e) => [e.type, e.object.kind])).toEqual([['ADDED', 'Table']]);
  });

  it('deletes a collection by label selector, and serves history per kind', async () => {
    const r = await call('DELETE', `${ns}/pods?labelSelector=role%3Ddb`);
    expect(r.statusCode).toBe(200);
    expect((r.json() as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name)).toEqual(['db-1']);
    expect((await call('GET', `${ns}/pods/web-1`)).statusCode).toBe(200);

    const history = (await call('GET', '/wharf/v1/history/namespaces/default/pods/db-1')).json() as { kind: string; items: { type: string }[] };
    expect(history.kind).toBe('History');
    expect(history.items.map((e) => e.type)).toEqual(['PodCreated', 'PodDeleted']);
    expect((await call('GET', '/wharf/v1/history/pods/db-1')).statusCode).toBe(404);
  });
});
