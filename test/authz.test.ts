/**
 * Authorization against a real wharf-api on a real nats-server: the built-in roles, namespaced
 * bindings, token expiry, bootstrap tokens (they may only join), tokens of the old form, Pod
 * Security's baseline, and the 403s exactly as kube-apiserver words them. kubectl auth can-i and the `wharf token` commands are in authz-clients.test.ts.
 */
import { createHash } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { startApi, type ApiHandle } from './harness/api.js';
import { eventually } from './harness/ports.js';

const pod = (name: string, volumes?: unknown[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }], ...(volumes ? { volumes } : {}) } });
const rc = (name: string, volumes?: unknown[]) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas: 0, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: pod(name, volumes).spec } } });
const hostPath = [{ name: 'host', hostPath: { path: '/etc' } }];
const D = '/api/v1/namespaces/default';

describe('authorization (RBAC) of a real wharf-api', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  const tokens: Record<string, string> = {};
  /** A request as the holder of token `who`; resolves with status and parsed body. */
  const as = async (who: string, method: string, path: string, json?: unknown, type?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[who] ?? who}`, ...(type ? { 'content-type': type } : {}) };
    const r = await api.fetch(path, { method, headers, ...(json !== undefined ? { json } : {}) });
    const text = await r.text();
    return { status: r.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as { message?: string; details?: unknown; items?: unknown[] } };
  };
  const mint = async (name: string, request: Record<string, unknown>) => {
    const r = await as(api.token, 'POST', '/apis/wharf.io/v1/tokens', request);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    tokens[name] = (r.body as { token: string }).token;
  };
  const forbidden = (verb: string, resource: string, user: string, where: string, name?: string) => {
    const [res] = resource.split('/');
    return `${res}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" ${where}`;
  };

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'authz' });
    tokens.admin = api.token;
    await mint('view', { user: 'vera', role: 'view' });
    await mint('edit', { user: 'eddie', role: 'edit' });
    await mint('node', { user: 'system:node:n1', role: 'node' });
    await mint('teamA', { user: 'nina', role: 'edit', namespace: 'team-a' });
    await mint('viewerGroup', { user: 'victor', groups: ['viewer'] });
    for (const [path, body] of [['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }], [`${D}/pods`, pod('web')], ['/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }]] as const) {
      expect((await as('admin', 'POST', path, body)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  it('view can get, list and watch, and nothing else', async () => {
    for (const path of [`${D}/pods`, `${D}/pods/web`, `${D}/services`, `${D}/replicationcontrollers`, `${D}/events`, '/api/v1/pods', '/api/v1/namespaces/default']) expect((await as('view', 'GET', path)).status, path).toBe(200);
    const ctl = new AbortController();
    const watch = await api.fetch(`${D}/pods?watch=true`, { headers: { authorization: `Bearer ${tokens.view}` }, signal: ctl.signal });
    expect(watch.status).toBe(200);
    ctl.abort();
    const del = await as('view', 'DELETE', `${D}/pods/web`);
    expect(del).toEqual({ status: 403, body: expect.objectContaining({ kind: 'Status', reason: 'Forbidden', code: 403, message: forbidden('delete', 'pods', 'vera', 'in the namespace "default"', 'web'), details: { name: 'web', kind: 'pods' } }) });
    expect((await as('view', 'POST', `${D}/pods`, pod('v'))).body.message).toBe(forbidden('create', 'pods', 'vera', 'in the namespace "default"'));
    expect((await as('view', 'PATCH', `${D}/pods/web`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json')).status).toBe(403);
    expect((await as('view', 'DELETE', `${D}/pods`)).body.message).toBe(forbidden('deletecollection', 'pods', 'vera', 'in the namespace "default"'));
    expect((await as('view', 'GET', '/api/v1/nodes/n1')).body.message).toBe(forbidden('get', 'nodes', 'vera', 'at the cluster scope', 'n1'));
    expect((await as('view', 'GET', '/apis/wharf.io/v1/tokens')).body.message).toBe('tokens.wharf.io is forbidden: User "vera" cannot list resource "tokens" in API group "wharf.io" at the cluster scope');
    expect((await as('view', 'POST', '/wharf/v1/snapshots')).body.message).toBe('forbidden: User "vera" cannot post path "/wharf/v1/snapshots"');
  });

  it('edit writes workloads but can\'t touch nodes, namespaces or tokens', async () => {
    expect((await as('edit', 'POST', `${D}/pods`, pod('e1'))).status).toBe(201);
    expect((await as('edit', 'POST', `${D}/replicationcontrollers`, rc('r1'))).status).toBe(201);
    expect((await as('edit', 'PATCH', `${D}/replicationcontrollers/r1/scale`, { spec: { replicas: 0 } }, 'application/merge-patch+json')).status).toBe(200);
    expect((await as('edit', 'DELETE', `${D}/pods/e1`)).status).toBe(200);
    expect((await as('edit', 'DELETE', '/api/v1/nodes/n1')).body.message).toBe(forbidden('delete', 'nodes', 'eddie', 'at the cluster scope', 'n1'));
    expect((await as('edit', 'PUT', '/api/v1/nodes/n1/status', {})).body.message).toBe(forbidden('update', 'nodes/status', 'eddie', 'at the cluster scope', 'n1'));
    expect((await as('edit', 'POST', '/api/v1/namespaces', { metadata: { name: 'x' } })).status).toBe(403);
    expect((await as('edit', 'DELETE', '/api/v1/namespaces/team-a')).body.message).toBe(forbidden('delete', 'namespaces', 'eddie', 'in the namespace "team-a"', 'team-a'));
    expect((await as('edit', 'POST', '/apis/wharf.io/v1/tokens', { role: 'cluster-admin' })).status).toBe(403);
  });

  it('refuses hostPath volumes to all but cluster-admin, naming the field (Pod Security baseline)', async () => {
    const p = await as('edit', 'POST', `${D}/pods`, pod('hp', [{ name: 'tmp', emptyDir: {} }, ...hostPath]));
    expect(p.status).toBe(403);
    expect(p.body.message).toBe('pods "hp" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (spec.volumes[1].hostPath)');
    expect((await as('edit', 'POST', `${D}/replicationcontrollers`, rc('hp', hostPath))).body.message).toBe('replicationcontrollers "hp" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (spec.template.spec.volumes[0].hostPath)');
    const patched = await as('edit', 'PATCH', `${D}/replicationcontrollers/r1`, { spec: { template: { spec: { volumes: hostPath } } } }, 'application/merge-patch+json');
    expect(patched.body.message).toBe('replicationcontrollers "r1" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (spec.template.spec.volumes[0].hostPath)');
    expect((await as('admin', 'POST', `${D}/pods`, pod('hp', hostPath))).status).toBe(201);
  });

  it('a node\'s role reads and reports status, and can\'t create or delete pods', async () => {
    expect((await as('node', 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')).status).toBe(200);
    expect((await as('node', 'GET', '/api/v1/nodes/n1')).status).toBe(200);
    const current = (await as('node', 'GET', `${D}/pods/web`)).body;
    expect((await as('node', 'PUT', `${D}/pods/web/status`, current)).status).toBe(200);
    expect((await as('node', 'POST', `${D}/events`, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e.1' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Pulled', message: 'ok', type: 'Normal' })).status).toBe(201);
    expect((await as('node', 'POST', `${D}/pods`, pod('n'))).body.message).toBe(forbidden('create', 'pods', 'system:node:n1', 'in the namespace "default"'));
    expect((await as('node', 'DELETE', `${D}/pods/web`)).status).toBe(403);
    expect((await as('node', 'GET', `${D}/pods/web/log`)).body.message).toBe(forbidden('get', 'pods/log', 'system:node:n1', 'in the namespace "default"', 'web'));
  });

  it('a namespaced binding is confined to its namespace', async () => {
    expect((await as('teamA', 'POST', '/api/v1/namespaces/team-a/pods', pod('a1'))).status).toBe(201);
    expect((await as('teamA', 'GET', '/api/v1/namespaces/team-a/pods')).body.items).toHaveLength(1);
    expect((await as('teamA', 'POST', `${D}/pods`, pod('a1'))).body.message).toBe(forbidden('create', 'pods', 'nina', 'in the namespace "default"'));
    expect((await as('teamA', 'GET', '/api/v1/pods')).body.message).toBe(forbidden('list', 'pods', 'nina', 'at the cluster scope'));
    expect((await as('teamA', 'GET', '/api/v1/watch/namespaces/default/pods')).status).toBe(403);
    expect((await as('teamA', 'GET', '/api/v1/nodes')).status).toBe(403);
    expect((await as('teamA', 'GET', '/wharf/v1/audit')).status).toBe(403);
  });

  it('regression: a token whose groups say "viewer" is not an admin (it can\'t delete pods)', async () => {
    expect((await as('viewerGroup', 'DELETE', `${D}/pods/web`)).body.message).toBe(forbidden('delete', 'pods', 'victor', 'in the namespace "default"', 'web'));
    expect((await as('viewerGroup', 'GET', `${D}/pods`)).status).toBe(403);
    expect((await as('viewerGroup', 'GET', '/api/v1')).status).toBe(200);
    expect((await as('admin', 'GET', `${D}/pods/web`)).status).toBe(200);
  });

  it('refuses an expired token with 401 and says so; lists tokens without secrets; deletes them', async () => {
    await mint('short', { user: 'brief', role: 'view', ttlSeconds: 1 });
    expect((await as('short', 'GET', `${D}/pods`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await as('short', 'GET', `${D}/pods`);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/^Unauthorized: the bearer token expired at \d{4}-\d\d-\d\dT/);
    const list = (await as('admin', 'GET', '/apis/wharf.io/v1/tokens')).body as { items: { id: string; user: string; roles: unknown[] }[] };
    const text = JSON.stringify(list);
    for (const t of Object.values(tokens)) expect(text).not.toContain(t);
    expect(list.items.find((t) => t.user === 'admin')?.roles).toEqual([{ binding: 'cluster-admin', role: 'cluster-admin' }]);
    expect(list.items.find((t) => t.user === 'nina')?.roles).toEqual([{ binding: expect.stringMatching(/^token-/), role: 'edit', namespace: 'team-a' }]);
    const vera = list.items.find((t) => t.user === 'vera')!;
    expect((await as('admin', 'DELETE', `/apis/wharf.io/v1/tokens/${vera.id}`)).status).toBe(200);
    expect((await as('view', 'GET', `${D}/pods`)).status).toBe(401);
    expect((await as('admin', 'DELETE', `/apis/wharf.io/v1/tokens/${vera.id}`)).status).toBe(404);
    const bad = await as('admin', 'POST', '/apis/wharf.io/v1/tokens', { role: 'root', ttlSeconds: -1 });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/^Token "" is invalid: role: .*, ttlSeconds: /);
  });

  it('makes every token in kubeadm\'s form <id>.<secret>; a bootstrap token may only join', async () => {
    for (const who of ['view', 'edit', 'node', 'teamA']) expect(tokens[who]).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const r = await as('admin', 'POST', '/apis/wharf.io/v1/tokens', { type: 'bootstrap', description: 'rack 4' });
    expect(r.status).toBe(201);
    const t = r.body as { id: string; token: string; type: string; user: string; groups: string[]; description: string; expires?: string };
    expect(t.token).toMatch(new RegExp(`^${t.id}\\.[a-z0-9]{16}$`));
    expect(t).toMatchObject({ type: 'bootstrap', user: `system:bootstrap:${t.id}`, groups: ['system:bootstrappers'], description: 'rack 4', expires: expect.any(String) });
    tokens.bootstrap = t.token;
    const user = `system:bootstrap:${t.id}`;

    // Authorized to create nodejoins (the endpoint itself is another part's): neither 401 nor 403.
    expect([401, 403]).not.toContain((await as('bootstrap', 'POST', '/apis/bootstrap.wharf.io/v1/nodejoins', { apiVersion: 'bootstrap.wharf.io/v1', kind: 'NodeJoin' })).status);
    expect((await as('bootstrap', 'GET', `${D}/pods/web`)).body.message).toBe(forbidden('get', 'pods', user, 'in the namespace "default"', 'web'));
    expect((await as('bootstrap', 'GET', '/api/v1/nodes')).body.message).toBe(forbidden('list', 'nodes', user, 'at the cluster scope'));
    expect((await as('bootstrap', 'POST', '/apis/wharf.io/v1/tokens', { type: 'bootstrap' })).body.message).toBe(`tokens.wharf.io is forbidden: User "${user}" cannot create resource "tokens" in API group "wharf.io" at the cluster scope`);
    for (const [method, path] of [['GET', '/apis/bootstrap.wharf.io/v1/nodejoins'], ['POST', `${D}/pods`], ['GET', '/apis'], ['GET', '/api'], ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']]) {
      expect((await as('bootstrap', method!, path!, method === 'POST' ? {} : undefined)).status, `${method} ${path}`).toBe(403);
    }

    const mixed = await as('admin', 'POST', '/apis/wharf.io/v1/tokens', { type: 'bootstrap', user: 'x', role: 'view' });
    expect(mixed.status).toBe(422);
    expect(mixed.body.message).toMatch(/^Token "" is invalid: user: Forbidden: a bootstrap token is user system:bootstrap:<id>.*, role: Forbidden: /);
    // Deleted by its whole token as well as by its id; then 401 as any unknown token.
    expect((await as('admin', 'DELETE', `/apis/wharf.io/v1/tokens/${t.token}`)).status).toBe(200);
    expect((await as('bootstrap', 'POST', '/apis/bootstrap.wharf.io/v1/nodejoins', {})).status).toBe(401);
  });

  it('keeps tokens of the old form working: their id is 12 hex digits of the hash, and they list and delete by it', async () => {
    const store = await EventStore.connect({ natsUrl: nats.url, cluster: 'authz', name: 'authz-legacy' });
    const legacy = 'Zm9yLXRoZS1vbGQtZm9ybS1vZi1hLXdoYXJmLXRva2Vu'; // random base64url, as tokens were
    const hash = createHash('sha256').update(legacy).digest('hex');
    try {
      const kv = await new Kvm(store.nc).open(store.subjects.authBucket);
      await kv.put(`token.${hash}`, JSON.stringify({ user: 'olga', groups: ['system:masters'], created: '2025-01-01T00:00:00.000Z' }));
    } finally {
      await store.close();
    }
    tokens.legacy = legacy;
    // The API servers follow the bucket: the record shows once its watch delivers it.
    await eventually(async () => (await as('legacy', 'GET', `${D}/pods`)).status === 200, 10_000, 50);
    const items = ((await as('admin', 'GET', '/apis/wharf.io/v1/tokens')).body as { items: { id: string; user: string; type: string }[] }).items;
    expect(items.find((t) => t.user === 'olga')).toMatchObject({ id: hash.slice(0, 12), type: 'api' });
    expect((await as('admin', 'DELETE', `/apis/wharf.io/v1/tokens/${hash.slice(0, 12)}`)).status).toBe(200);
    expect((await as('legacy', 'GET', `${D}/pods`)).status).toBe(401);
  });

  it('a second API server of the cluster enforces the same tokens and bindings', async () => {
    const b = await startApi({ natsUrl: nats.url, cluster: 'authz', home: api.home });
    try {
      const headers = (who: string) => ({ headers: { authorization: `Bearer ${tokens[who]}` } });
      expect((await b.fetch('/api/v1/namespaces/team-a/pods', headers('teamA'))).status).toBe(200);
      expect((await b.fetch(`${D}/pods`, headers('teamA'))).status).toBe(403);
      expect((await b.fetch(`${D}/pods`, headers('viewerGroup'))).status).toBe(403);
    } finally {
      await b.stop();
    }
  });
});
