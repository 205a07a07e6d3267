/**
 * Issue 14's hostile inputs, each as the regression test of the failure it caused: bodies that
 * ended the API process, a patch that polluted Object.prototype, and each 5xx the fuzz suite
 * (fuzz.test.ts) found. The spawned API shows what a crash does to the real server; the rest runs
 * the plugin in-process, where Object.prototype is the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHandle, startApi } from './harness/api.js';
import { type InjectedApi, startInjectedApi } from './harness/inject.js';
import { startNats, type NatsHandle } from './harness/nats.js';

const ns = '/api/v1/namespaces/default';
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } });
const rc = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas: 1, selector: { rc: name }, template: { metadata: { labels: { rc: name } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } },
});

describe('hostile input', () => {
  let nats: NatsHandle;
  let api: InjectedApi;

  beforeAll(async () => {
    nats = await startNats();
    api = await startInjectedApi(nats.url, 'hostile');
  });
  afterAll(async () => {
    await api?.close();
    await nats?.stop();
  });

  describe('the spawned API server', () => {
    let spawned: ApiHandle;
    beforeAll(async () => {
      spawned = await startApi({ natsUrl: nats.url, cluster: 'hostile-spawned' });
    });
    afterAll(async () => {
      await spawned?.stop();
    });

    it('deeply nested YAML bodies crash the API', async () => {
      // Two 6 KB bodies 3,000 levels deep: the second ended wharf-api with "FATAL ERROR:
      // RegExpCompiler Allocation failed - process out of memory".
      const deep = '['.repeat(3000) + ']'.repeat(3000);
      const answers: { code: number; body: unknown; ms: number }[] = [];
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        const r = await spawned.fetch(`${ns}/pods`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: deep }).catch((e: Error) => ({ status: 0, json: async () => e.message }));
        answers.push({ code: r.status, body: await r.json(), ms: performance.now() - t0 });
      }
      expect(spawned.process.exitCode).toBeNull();
      expect((await spawned.fetch('/readyz').catch(() => ({ ok: false }))).ok).toBe(true);
      for (const a of answers) {
        expect(a).toMatchObject({ code: 400, body: { kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('nested more than 100 levels deep') } });
        expect(a.ms).toBeLessThan(1000);
      }
      expect((await spawned.fetch(`${ns}/pods`, { method: 'POST', json: pod('after-deep-yaml') })).status).toBe(201);
    });
  });

  it('refuses 3 MiB hostile bodies before any other work, within milliseconds', async () => {
    const MiB = 1024 * 1024;
    const bodies: [string, string, string, number][] = [
      ['JSON nested 1.5 million deep', '['.repeat(1.5 * MiB) + ']'.repeat(1.5 * MiB), 'application/json', 400],
      ['YAML nested 1.5 million deep', '- '.repeat(1.5 * MiB), 'application/yaml', 400],
      ['YAML indented 2,400 deep', Array.from({ length: 2400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'), 'application/yaml', 400],
      ['a billion laughs', ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n'), 'application/yaml', 400],
      ['150,000 array items', `[${Array(150_000).fill(0).join(',')}]`, 'application/json', 413],
      ['a __proto__ key 50 deep', '{"a":'.repeat(50) + '{"__proto__":{"polluted":1}}' + '}'.repeat(50), 'application/merge-patch+json', 400],
    ];
    const timings: string[] = [];
    for (const [what, body, type, code] of bodies) {
      const t0 = performance.now();
      const r = await api.call('POST', `${ns}/pods`, { body, type });
      const ms = performance.now() - t0;
      timings.push(`${what} (${(body.length / MiB).toFixed(2)} MiB): ${r.statusCode} in ${ms.toFixed(1)} ms`);
      expect({ what, code: r.statusCode, kind: (r.json() as { kind: string }).kind }).toEqual({ what, code, kind: 'Status' });
      expect(ms, what).toBeLessThan(1000);
    }
    console.log(`hostile bodies refused:\n  ${timings.join('\n  ')}`);
  });

  it('a JSON patch with /__proto__/polluted pollutes Object.prototype', async () => {
    expect((await api.call('POST', `${ns}/pods`, { json: pod('target') })).statusCode).toBe(201);
    expect((await api.call('POST', `${ns}/replicationcontrollers`, { json: rc('scaled') })).statusCode).toBe(201);
    const r = await api.call('PATCH', `${ns}/pods/target`, { body: '[{"op":"add","path":"/__proto__/polluted","value":1}]', type: 'application/json-patch+json' });
    expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 400, body: { kind: 'Status', reason: 'BadRequest' } });
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    // Once polluted, valid creates got 422 and deletes and scales 500 until a restart.
    expect((await api.call('POST', `${ns}/pods`, { json: pod('after-patch') })).statusCode).toBe(201);
    expect((await api.call('PATCH', `${ns}/replicationcontrollers/scaled/scale`, { body: '{"spec":{"replicas":2}}', type: 'application/merge-patch+json' })).statusCode).toBe(200);
    expect((await api.call('DELETE', `${ns}/pods/after-patch`)).statusCode).toBe(200);
  });

  it('names of Object.prototype members read as existing objects, and writes to them end in 500', async () => {
    // The state's buckets are plain objects: a Node named "toString" read Object.prototype's.
    for (const name of ['constructor', 'toString', 'valueOf', '__proto__']) {
      expect((await api.call('GET', `/api/v1/nodes/${name}`)).statusCode).toBe(404);
      expect((await api.call('PATCH', `/api/v1/nodes/${name}`, { body: '{}', type: 'application/merge-patch+json' })).statusCode).toBe(404);
      expect((await api.call('DELETE', `/api/v1/nodes/${name}`)).statusCode).toBe(404);
    }
    // A missing namespace named "constructor" was found, and the create then failed with 500.
    expect((await api.call('POST', '/api/v1/namespaces/constructor/pods', { json: pod('p') })).statusCode).toBe(404);
    expect((await api.call('POST', '/api/v1/namespaces', { json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'constructor' } } })).statusCode).toBe(201);
    expect((await api.call('POST', '/api/v1/namespaces/constructor/pods', { json: pod('p') })).statusCode).toBe(201);
    expect((await api.call('GET', '/api/v1/namespaces/constructor')).json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'constructor' } });
  });

  it('a merge patch or a body naming __proto__, constructor or prototype is refused at any depth', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
        const r = await api.call('PATCH', `${ns}/pods/target`, { body: `{"metadata":{"labels":{"${key}":"x"}},"spec":{"containers":[{"name":"c","${key}":{"polluted":1}}]}}`, type });
        expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 400, body: { reason: 'BadRequest', message: expect.stringContaining(`has a field named "${key}", which no object may have`) } });
      }
      const created = await api.call('POST', `${ns}/pods`, { body: `apiVersion: v1\nkind: Pod\nmetadata: {name: proto}\nspec:\n  ${key}: {polluted: 1}\n  containers: [{name: c, image: i}]\n`, type: 'application/yaml' });
      expect(created.statusCode).toBe(400);
    }
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a Scale to 1e300 or 2^31 replicas is stored', async () => {
    for (const [replicas, message] of [
      [1e300, 'Invalid value: 1e+300: must be less than or equal to 2147483647'],
      [2 ** 31, 'Invalid value: 2147483648: must be less than or equal to 2147483647'],
      [1.5, 'Invalid value: 1.5: Invalid input: expected int, received number'],
      [-1, 'Invalid value: -1: must be greater than or equal to 0'],
    ] as const) {
      for (const [method, type] of [['PATCH', 'application/merge-patch+json'], ['PUT', 'application/json']] as const) {
        const r = await api.call(method, `${ns}/replicationcontrollers/scaled/scale`, { body: JSON.stringify({ spec: { replicas } }), type });
        expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 422, body: { reason: 'Invalid', details: { kind: 'Scale', causes: [{ field: 'spec.replicas', message }] } } });
      }
    }
    expect((await api.call('GET', `${ns}/replicationcontrollers/scaled`)).json()).toMatchObject({ spec: { replicas: 2 } });
  });

  it('integers past their Kubernetes bounds are refused with 422 naming the field', async () => {
    const r = await api.call('POST', `${ns}/replicationcontrollers`, { json: { ...rc('too-many'), spec: { ...rc('too-many').spec, replicas: 2 ** 31 } } });
    expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 422, body: { details: { causes: [{ field: 'spec.replicas', message: 'must be less than or equal to 2147483647' }] } } });
    const port = await api.call('POST', `${ns}/pods`, { json: { ...pod('port'), spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 65536 }] }] } } });
    expect({ code: port.statusCode, body: port.json() }).toMatchObject({ code: 422, body: { details: { causes: [{ field: 'spec.containers[0].ports[0].containerPort' }] } } });
  });

  it('a graceful delete with a grace period past year 9999 ends in 500', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'graceful-node' } };
    expect((await api.call('POST', '/api/v1/nodes', { json: node })).statusCode).toBe(201);
    const bound = (name: string, grace?: number) => ({ ...pod(name), spec: { nodeName: 'graceful-node', ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}), containers: [{ name: 'c', image: 'i' }] } });
    expect((await api.call('POST', `${ns}/pods`, { json: bound('forever', Number.MAX_SAFE_INTEGER) })).statusCode).toBe(201);
    const marked = await api.call('DELETE', `${ns}/pods/forever`);
    expect({ code: marked.statusCode, body: marked.json() }).toMatchObject({ code: 202, body: { metadata: { deletionTimestamp: '9999-12-31T23:59:59Z', deletionGracePeriodSeconds: Number.MAX_SAFE_INTEGER } } });
    expect((await api.call('POST', `${ns}/pods`, { json: bound('asked') })).statusCode).toBe(201);
    const huge = await api.call('DELETE', `${ns}/pods/asked?gracePeriodSeconds=99999999999999999999`);
    expect({ code: huge.statusCode, body: huge.json() }).toMatchObject({ code: 400, body: { message: 'invalid value for gracePeriodSeconds: "99999999999999999999" is out of range (at most 9007199254740991)' } });
    const body = await api.call('DELETE', `${ns}/pods/asked`, { json: { gracePeriodSeconds: 1e300 } });
    expect({ code: body.statusCode, body: body.json() }).toMatchObject({ code: 400, body: { message: 'gracePeriodSeconds must be a non-negative integer; got 1e+300' } });
    expect((await api.call('DELETE', `${ns}/pods/asked?gracePeriodSeconds=${Number.MAX_SAFE_INTEGER}`)).json()).toMatchObject({ metadata: { deletionTimestamp: '9999-12-31T23:59:59Z' } });
  });

  it('a log since more seconds than have passed since 1970 ends in 500', async () => {
    const r = await api.call('GET', `${ns}/pods/target/log?sinceSeconds=${Number.MAX_SAFE_INTEGER}`);
    expect(r.statusCode).toBe(200);
  });

  it('a URL with a malformed escape or a name of over 100 characters is answered with fastify\'s body, not a Status', async () => {
    const bad = await api.call('GET', `${ns}/pods/%zz`);
    expect({ code: bad.statusCode, body: bad.json() }).toMatchObject({ code: 400, body: { kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('the URL is not valid') } });
    // Kubernetes names have up to 253 characters; fastify's router refused segments past 100 with 414.
    const long = 'a'.repeat(250);
    expect((await api.call('POST', `${ns}/pods`, { json: pod(long) })).statusCode).toBe(201);
    expect((await api.call('GET', `${ns}/pods/${long}`)).json()).toMatchObject({ metadata: { name: long } });
    expect((await api.call('GET', `${ns}/pods/${'b'.repeat(600)}`)).statusCode).toBe(404);
    const longer = await api.call('GET', `${ns}/pods/${'b'.repeat(2000)}`);
    expect({ code: longer.statusCode, body: longer.json() }).toMatchObject({ code: 400, body: { kind: 'Status', message: 'the URL has a path segment longer than 1024 characters' } });
  });

  it('an unknown field named with a newline, under fieldValidation=Warn, leaves the request unanswered', async () => {
    // The Warning header quoted the name as it was; Node refuses such a header and the reply never finished.
    const body = { ...pod('warned'), spec: { containers: [{ name: 'c', image: 'i' }], 'a\nb': 1, 'caf\u00e9\u20ac': 2 } };
    const r = await api.call('POST', `${ns}/pods?fieldValidation=Warn`, { json: body });
    expect(r.statusCode).toBe(201);
    expect(r.headers.warning).toBe(`299 - "unknown field 'spec.a\\nb'", 299 - "unknown field 'spec.caf\\u00e9\\u20ac'"`);
  });

  it('a point in history before 1970 (?at=99999999d) ends in 500', async () => {
    for (const at of ['99999999d', `${'9'.repeat(40)}h`, '0001-01-01T00:00:00Z']) {
      const r = await api.call('GET', `${ns}/pods?at=${at}`);
      expect({ at, code: r.statusCode }).toEqual({ at, code: 200 });
      expect((r.json() as { items: unknown[] }).items).toEqual([]);
    }
    expect((await api.call('GET', `/wharf/v1/diff?from=99999999d`)).statusCode).toBe(200);
  });

  it('an event list for an object in a namespace without pods never answers', async () => {
    // Reading the namespace's pod events waited for the first one to be appended.
    expect((await api.call('POST', '/api/v1/namespaces', { json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'no-pods' } } })).statusCode).toBe(201);
    const r = await api.call('GET', '/api/v1/namespaces/no-pods/events?fieldSelector=involvedObject.name%3Dx', { signal: AbortSignal.timeout(5000) });
    expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 200, body: { kind: 'EventList', items: [] } });
  });

  it('a watch from resourceVersion 99999999999999999999 ends in an ERROR with a 500', async () => {
    const r = await api.call('GET', `${ns}/pods?watch=1&timeoutSeconds=1&resourceVersion=99999999999999999999`);
    expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 400, body: { kind: 'Status', message: 'invalid resourceVersion "99999999999999999999"' } });
  });

  it('a watch with a timeout past 24.8 days ends at once', async () => {
    // setTimeout fires at once (with a TimeoutOverflowWarning) for delays past 2^31 - 1 ms.
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    const abort = new AbortController();
    const watch = api.call('GET', `${ns}/pods?watch=1&timeoutSeconds=${Number.MAX_SAFE_INTEGER}`, { signal: abort.signal }).then(() => 'ended', () => 'aborted');
    const first = await Promise.race([watch, new Promise((resolve) => setTimeout(() => resolve('open'), 500))]);
    abort.abort();
    await watch;
    process.off('warning', onWarning);
    expect(first).toBe('open');
    expect(warnings).toEqual([]);
  });

  it('a JSON patch that removes the whole document and then adds below it ends in 500', async () => {
    const r = await api.call('PATCH', `${ns}/pods/target`, { body: '[{"op":"remove","path":""},{"op":"add","path":"/spec/containers/-","value":[]}]', type: 'application/json-patch+json' });
    expect({ code: r.statusCode, body: r.json() }).toMatchObject({ code: 422, body: { kind: 'Status', message: expect.stringContaining('operation 0 (remove ""): the whole document cannot be removed') } });
  });
});
