/**
 * The fuzz suite of issue 14: fast-check throws generated hostile requests at every route of a
 * real API (the plugin in-process on one real nats-server, driven with inject). Two phases:
 *
 * 1. Hostile requests (paths, queries, headers, bodies, patches of every type) that cannot change
 *    state by construction (harness/fuzz/requests.ts): no answer is a 5xx, every failure is a
 *    Kubernetes Status, no stream reports a 5xx, nothing is logged as an error, and the state
 *    (every object of every kind, and the log's last sequence) is the same afterwards.
 * 2. Valid-looking creates, patches, updates, scales and deletes in a throwaway namespace and on
 *    fuzz-* cluster objects: no 5xx, and nothing outside them changes.
 *
 * Bounded by count (WHARF_FUZZ_RUNS, default 2,500 + 500) and printed: requests, distinct Status
 * codes, 5xx. A failure prints fast-check's seed and path; WHARF_FUZZ_SEED replays a run.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { FastifyBaseLogger, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS, type KObject } from '@wharf/model';
import { type InjectedApi, startInjectedApi } from './harness/inject.js';
import { startNats, type NatsHandle } from './harness/nats.js';
import { type FuzzRequest, hostileRequest } from './harness/fuzz/requests.js';
import { type Write, write } from './harness/fuzz/writes.js';

const RUNS = Number(process.env.WHARF_FUZZ_RUNS ?? 2500);
const WRITE_RUNS = Math.ceil(RUNS / 5);
/** fast-check's seed: printed with the counts, so any run can be replayed with WHARF_FUZZ_SEED. */
const SEED = process.env.WHARF_FUZZ_SEED ? Number(process.env.WHARF_FUZZ_SEED) : (Math.random() * 2 ** 31) | 0;
const SCRATCH = 'fuzz-scratch';
const container = { name: 'c', image: 'wharf.local/busybox:1', ports: [{ containerPort: 80 }] };

/** The seed objects every hostile request may name. */
const SEEDS = [
  { url: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } },
  { url: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty' } } },
  { url: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { zone: 'a' } }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } } },
  { url: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', labels: { app: 'web' } }, spec: { containers: [container] } } },
  { url: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound-1', labels: { app: 'web' } }, spec: { nodeName: 'node-1', containers: [container] } } },
  { url: '/api/v1/namespaces/default/replicationcontrollers', body: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'frontend' }, spec: { replicas: 2, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } } } } },
  { url: '/api/v1/namespaces/default/services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } },
  { url: '/api/v1/namespaces/other/services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] } } },
  { url: '/api/v1/namespaces/default/endpoints', body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'svc' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] } },
  { url: '/api/v1/namespaces/default/events', body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'evt-1' }, involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' }, reason: 'Seeded', message: 'seeded' } },
];

/** What the run saw. */
const tally = { requests: 0, codes: new Map<number, number>(), fiveXX: [] as string[], spoilers: new Map<string, number>(), ms: 0, slowest: { ms: 0, what: '' } };

/** A logger for the app that keeps warnings and errors. */
function recordingLogger(entries: { level: number; msg: string }[]): FastifyBaseLogger {
  const at = (level: number) => (obj: unknown, msg?: string) => {
    if (level < 40) return;
    const err = (obj as { err?: unknown } | undefined)?.err;
    entries.push({ level, msg: `${msg ?? ''} ${err instanceof Error ? `${err.name}: ${err.message}` : String(err ?? '')}`.trim() });
  };
  const logger = { level: 'warn', fatal: at(60), error: at(50), warn: at(40), info: at(30), debug: at(20), trace: at(10), silent: () => undefined, child: () => logger };
  return logger as unknown as FastifyBaseLogger;
}

/** The answer's problems: a 5xx, a failure that is not a Status, or a stream that reports a 5xx. */
function problems(req: { method: string; url: string }, r: LightMyRequestResponse): string[] {
  const out: string[] = [];
  const what = `${req.method} ${req.url.slice(0, 200)} -> ${r.statusCode}: ${r.body.slice(0, 200)}`;
  if (r.statusCode >= 500) out.push(what);
  if (r.statusCode >= 400 && req.method !== 'HEAD') {
    let status: { kind?: string; code?: number } | undefined;
    try {
      status = JSON.parse(r.body) as typeof status;
    } catch {
      status = undefined;
    }
    if (status?.kind !== 'Status' || status.code !== r.statusCode) out.push(`not a Status: ${what}`);
  }
  if (r.statusCode === 200 && /"type":"ERROR"/.test(r.body) && /"code":5\d\d/.test(r.body)) out.push(`stream error: ${what}`);
  return out;
}

describe('fuzz: hostile requests at every route', () => {
  let nats: NatsHandle;
  let api: InjectedApi;
  const logged: { level: number; msg: string }[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);

  /** Sends one request, counts it, and returns it with its problems. */
  const send = async (req: Omit<FuzzRequest, 'spoiler'> & { spoiler?: string }) => {
    const answer = api.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within 15 s: ${req.method} ${req.url.slice(0, 200)}`)), 15_000)));
    const t0 = performance.now();
    const r = await Promise.race([answer, hung]).finally(() => clearTimeout(timer));
    const ms = performance.now() - t0;
    if (ms > tally.slowest.ms) tally.slowest = { ms, what: `${req.method} ${req.url.slice(0, 80)} (${req.payload?.length ?? 0} bytes)` };
    tally.requests++;
    tally.codes.set(r.statusCode, (tally.codes.get(r.statusCode) ?? 0) + 1);
    if (req.spoiler) tally.spoilers.set(req.spoiler, (tally.spoilers.get(req.spoiler) ?? 0) + 1);
    const found = problems(req, r);
    if (r.statusCode >= 500) tally.fiveXX.push(found[0]!);
    return { r, found };
  };

  /** Every object of every kind, and the log's last sequence. */
  const snapshot = async () => {
    const items: Record<string, KObject[]> = {};
    for (const info of KINDS) {
      const r = await api.call('GET', `/api/v1/${info.resource}`);
      expect(r.statusCode).toBe(200);
      items[info.kind] = (r.json() as { items: KObject[] }).items;
    }
    return { items, seq: (await api.opened.ctx.store.bounds()).last };
  };

  beforeAll(async () => {
    nats = await startNats();
    api = await startInjectedApi(nats.url, 'fuzz', { logger: recordingLogger(logged) });
    for (const s of SEEDS) expect((await api.call('POST', s.url, { json: s.body })).statusCode, s.url).toBe(201);
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await api?.close();
    await nats?.stop();
    const codes = [...tally.codes].sort(([a], [b]) => a - b).map(([c, n]) => `${c}: ${n}`).join(', ');
    console.log(
      `fuzz: ${tally.requests} requests in ${(tally.ms / 1000).toFixed(1)} s; ${tally.codes.size} distinct Status codes (${codes}); 5xx: ${tally.fiveXX.length}; ` +
        `slowest ${Math.round(tally.slowest.ms)} ms (${tally.slowest.what}); seed ${SEED}; spoilers: ${[...tally.spoilers].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
  });

  it('answers hostile requests to every route with no 5xx and no change of state', async () => {
    const before = await snapshot();
    const routes = api.routes.map((r) => ({ method: r.method, url: r.url }));
    const names = ['default', 'other', 'empty', 'kube-system', 'web-1', 'bound-1', 'frontend', 'svc', 'np', 'node-1', 'evt-1', 'missing'];
    const world = { routes, namespaces: names, names, token: api.token, kindOf: kindOfUrl };
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(hostileRequest(world), async (req) => {
        const { found } = await send(req);
        expect(found, `spoiler ${req.spoiler}`).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    tally.ms += performance.now() - t0;
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const after = await snapshot();
    expect(after.seq).toBe(before.seq);
    expect(differences(before.items, after.items)).toEqual([]);
    expect(logged.filter((e) => e.level >= 50)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('answers valid-looking writes in a throwaway namespace with no 5xx, and changes nothing outside it', async () => {
    expect((await api.call('POST', '/api/v1/namespaces', { json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SCRATCH } } })).statusCode).toBe(201);
    // What the run may touch: the scratch namespace, fuzz-* cluster objects and the events the log derives about them.
    const touched = (o: KObject) => {
      const about = (o as { involvedObject?: { namespace?: string; name?: string } }).involvedObject;
      return o.metadata.namespace === SCRATCH || (!o.metadata.namespace && o.metadata.name.startsWith('fuzz-')) || (o.kind === 'Event' && (about?.namespace === SCRATCH || !!about?.name?.startsWith('fuzz-')));
    };
    const outside = (s: Awaited<ReturnType<typeof snapshot>>) => Object.fromEntries(Object.entries(s.items).map(([k, items]) => [k, items.filter((o) => !touched(o))]));
    const before = outside(await snapshot());
    const created: { url: string }[] = [];
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(write, async (w) => {
        const req = requestOf(w, created, api.token);
        if (!req) return;
        const { r, found } = await send(req);
        expect(found, JSON.stringify(w).slice(0, 500)).toEqual([]);
        if (w.op === 'create' && r.statusCode === 201) {
          const o = r.json() as KObject;
          const info = KINDS.find((k) => k.kind === o.kind)!;
          created.push({ url: info.namespaced ? `/api/v1/namespaces/${SCRATCH}/${info.resource}/${o.metadata.name}` : `/api/v1/${info.resource}/${o.metadata.name}` });
        }
      }),
      { numRuns: WRITE_RUNS, seed: SEED },
    );
    tally.ms += performance.now() - t0;
    expect(created.length).toBeGreaterThan(WRITE_RUNS / 10);
    expect(differences(before, outside(await snapshot()))).toEqual([]);
    expect(logged.filter((e) => e.level >= 50)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

/** The objects that differ between two lists of every kind, as "Kind ns/name: added|removed|changed". */
function differences(before: Record<string, KObject[]>, after: Record<string, KObject[]>): string[] {
  const out: string[] = [];
  for (const kind of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const key = (o: KObject) => `${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const a = new Map((before[kind] ?? []).map((o) => [key(o), o]));
    const b = new Map((after[kind] ?? []).map((o) => [key(o), o]));
    for (const [k, o] of a) if (!b.has(k)) out.push(`${k}: removed`);
    else if (!isDeepStrictEqual(o, b.get(k))) out.push(`${k}: changed to ${JSON.stringify(b.get(k)).slice(0, 300)}`);
    for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: added`);
  }
  return out;
}

/** The Kind whose resource a route URL names last (`/api/v1/namespaces/:namespace/pods/:name/log` is Pod). */
function kindOfUrl(url: string): string | undefined {
  const parts = url.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const info = KINDS.find((k) => k.resource === parts[i]);
    if (info) return info.kind;
  }
  return undefined;
}

/** The request of a second-phase write; undefined when it names a created object and there is none yet. */
function requestOf(w: Write, created: readonly { url: string }[], token: string): FuzzRequest | undefined {
  const headers = (type?: string): Record<string, string> => ({ authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) });
  if (w.op === 'create') {
    const info = KINDS.find((k) => k.kind === w.kind)!;
    const url = info.namespaced ? `/api/v1/namespaces/${SCRATCH}/${info.resource}` : `/api/v1/${info.resource}`;
    const payload = w.yaml ? toYamlFlow(w.body) : JSON.stringify(w.body);
    return { method: 'POST', url: `${url}?fieldValidation=${w.fieldValidation}`, headers: headers(w.yaml ? 'application/yaml' : 'application/json'), payload, spoiler: 'none: create' };
  }
  const target = created[w.target % Math.max(created.length, 1)];
  if (!target) return undefined;
  if (w.op === 'patch') return { method: 'PATCH', url: target.url + w.subresource, headers: headers(w.type), payload: JSON.stringify(w.doc) ?? 'null', spoiler: `none: patch${w.subresource}` };
  if (w.op === 'update') {
    const name = target.url.split('/').pop()!;
    const body = w.body as { metadata?: Record<string, unknown> };
    return { method: 'PUT', url: target.url, headers: headers('application/json'), payload: JSON.stringify({ ...body, metadata: { ...body.metadata, name } }), spoiler: 'none: update' };
  }
  return { method: 'DELETE', url: `${target.url}?${w.query}`, headers: headers(), spoiler: 'none: delete' };
}

/** YAML's flow style is JSON with unquoted-friendly syntax: JSON text is valid YAML 1.2. */
function toYamlFlow(v: unknown): string {
  return `# sent as YAML\n${JSON.stringify(v)}\n`;
}
