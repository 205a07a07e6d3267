import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type KObject, WharfError } from '@wharf/model';
import { ServerUnreachableError } from './errors.js';
import { type Fetch, TABLE_ACCEPT, WharfClient } from './client.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records each request and answers with `reply` (a unit seam, not a fake API). */
function recorder(reply: (c: Call) => Response) {
  const calls: Call[] = [];
  const fetchFn: Fetch = async (url, init) => {
    const c = { url, method: init.method, headers: init.headers, body: init.body ? JSON.parse(init.body) : undefined };
    calls.push(c);
    return reply(c);
  };
  return { calls, client: new WharfClient({ server: 'http://127.0.0.1:6443/', token: 'tok', fetch: fetchFn }) };
}
const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('WharfClient requests', () => {
  it('creates in the object namespace with the bearer token', async () => {
    const { calls, client } = recorder((c) => json(c.body, 201));
    await expect(client.create(pod)).resolves.toEqual(pod);
    expect(calls[0]).toMatchObject({ url: 'http://127.0.0.1:6443/api/v1/namespaces/prod/pods', method: 'POST', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' } });
  });
  it('lists with selectors and `at`', async () => {
    const { calls, client } = recorder(() => json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }));
    await client.list('po', { allNamespaces: true, labelSelector: 'app=a', at: '42' });
    expect(calls[0]!.url).toBe('http://127.0.0.1:6443/api/v1/pods?labelSelector=app%3Da&at=42');
  });
  it('deletes with propagationPolicy and gracePeriodSeconds as query and DeleteOptions body', async () => {
    const { calls, client } = recorder(() => json(pod));
    await client.delete('pod', 'prod', 'web', { cascade: 'foreground', gracePeriodSeconds: 0 });
    expect(calls[0]!.url).toBe('http://127.0.0.1:6443/api/v1/namespaces/prod/pods/web?propagationPolicy=Foreground&gracePeriodSeconds=0');
    expect(calls[0]!.body).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
  });
  it('scales with a merge patch on the scale subresource', async () => {
    const { calls, client } = recorder(() => json({ kind: 'Scale', spec: { replicas: 3 } }));
    await client.scale('rc', 'default', 'ms1', 3);
    expect(calls[0]).toMatchObject({ method: 'PATCH', url: 'http://127.0.0.1:6443/api/v1/namespaces/default/replicationcontrollers/ms1/scale', body: { spec: { replicas: 3 } }, headers: { 'content-type': 'application/merge-patch+json' } });
  });
  it('asks for a Table, and builds one when the server answers a plain list', async () => {
    const { calls, client } = recorder(() => json({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [pod] }));
    const t = await client.table('pods', { namespace: 'prod' });
    expect(calls[0]!.headers.accept).toBe(TABLE_ACCEPT);
    expect(t.metadata.resourceVersion).toBe('9');
    expect(t.rows[0]!.cells.slice(0, 3)).toEqual(['web', '0/1', 'Pending']);
  });
  it('throws the server Status as a WharfError', async () => {
    const { client } = recorder(() => json({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'pods "web" already exists' }, 409));
    const e = await client.create(pod).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WharfError);
    expect((e as WharfError).reason).toBe('AlreadyExists');
  });
  it('says the server is unreachable, and where', async () => {
    const port = await closedPort();
    const client = new WharfClient({ server: `http://127.0.0.1:${port}` });
    const e = await client.get('pod', 'default', 'x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServerUnreachableError);
    expect((e as Error).message).toContain(`unable to connect to the server at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect((e as Error).message).toContain('wharf-api');
  });
});

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({ start(c) { for (const p of parts) c.enqueue(enc.encode(p)); c.close(); } });
}

describe('WharfClient streams', () => {
  it('parses NDJSON watch events split across chunks', async () => {
    const { calls, client } = recorder(() => new Response(streamOf(['{"type":"ADDED","object":{"a":1}}\n{"type":"DEL', 'ETED","object":{"a":2}}\n'])));
    const got = [];
    for await (const ev of client.watch('po', { namespace: 'x', resourceVersion: '5', name: 'web' })) got.push(ev);
    expect(got).toEqual([{ type: 'ADDED', object: { a: 1 } }, { type: 'DELETED', object: { a: 2 } }]);
    expect(calls[0]!.url).toBe('http://127.0.0.1:6443/api/v1/namespaces/x/pods?fieldSelector=metadata.name%3Dweb&watch=true&resourceVersion=5');
  });
  it('throws an ERROR watch event as a WharfError', async () => {
    const { client } = recorder(() => new Response(streamOf(['{"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410,"message":"too old"}}\n'])));
    await expect(async () => { for await (const _ of client.watch('po')) void _; }).rejects.toThrow('too old');
  });
  it('streams log chunks with the query kubectl sends', async () => {
    const { calls, client } = recorder(() => new Response(streamOf(['line 1\n', 'line 2\n'])));
    let text = '';
    for await (const chunk of client.logs('default', 'web', { container: 'c', follow: true, tailLines: 10 })) text += chunk;
    expect(text).toBe('line 1\nline 2\n');
    expect(calls[0]!.url).toBe('http://127.0.0.1:6443/api/v1/namespaces/default/pods/web/log?container=c&follow=true&tailLines=10');
  });
});

/** A local port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('WharfClient with several servers', () => {
  it('sends a request that could not connect to the next server, keeps to the one that answered, and names them all when none does', async () => {
    const tried: string[] = [];
    const up = new Set(['http://b:6443']);
    const fetchFn: Fetch = async (url) => {
      const server = new URL(url).origin;
      tried.push(server);
      if (!up.has(server)) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] });
    };
    const client = new WharfClient({ server: 'http://a:6443', servers: ['http://a:6443', 'http://b:6443', 'http://c:6443'], fetch: fetchFn });
    await client.list('pods');
    expect(tried).toEqual(['http://a:6443', 'http://b:6443']);
    expect(client.server).toBe('http://b:6443');
    tried.length = 0;
    await client.list('pods');
    expect(tried).toEqual(['http://b:6443']);
    up.clear();
    const err = await client.list('pods').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerUnreachableError);
    expect((err as Error).message).toContain('http://b:6443, http://a:6443, http://c:6443');
  });
});
