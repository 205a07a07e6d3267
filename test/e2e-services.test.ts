import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './harness/api.js';
import { run } from './harness/exec.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';

type Endpoints = { subsets?: { addresses?: { ip: string; targetRef?: { name: string } }[]; notReadyAddresses?: { targetRef?: { name: string } }[]; ports?: { port: number }[] }[] };
type Pod = { metadata: { name: string; uid: string }; status: { phase: string; containerStatuses?: { ready: boolean; restartCount: number }[] } };

/** One HTTP GET on a new connection (no keep-alive); resolves with the body or rejects. */
function get(host: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const podYaml = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {name: microservice1}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: microservice1
    image: wharf.local/microservice1:1
    ports: [{containerPort: 3000, name: http, protocol: TCP}]
${extra}`;

describe('services: endpoints and the NodePort proxy on every node', () => {
  let c: TestCluster;
  let nodePort = 0;
  const PROXIES = ['127.0.0.2', '127.0.0.3'];

  beforeAll(async () => {
    c = await startCluster('e2e-svc', [{ name: 'node-a', proxy: PROXIES[0] }, { name: 'node-b', proxy: PROXIES[1] }]);
  }, 120_000);
  afterAll(async () => c?.stop(), 60_000);

  const create = async (yaml: string) => {
    const out = await run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c.api.home, WHARF_CONFIG: c.api.configPath }, input: yaml });
    expect(out.code, out.stderr).toBe(0);
  };
  const endpoints = () => c.getJson<Endpoints>('endpoints', 'microservice1');
  const ready = async () => (await endpoints()).subsets?.flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef!.name)).sort() ?? [];
  const notReady = async () => (await endpoints()).subsets?.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.targetRef!.name)).sort() ?? [];
  const waitReady = (names: string[]) => eventually(async () => JSON.stringify(await ready()) === JSON.stringify([...names].sort()), 60_000, 200);
  const containerOf = async (pod: string) => {
    const p = await c.getJson<Pod>('pod', pod);
    const [ct] = await c.docker.listContainers({ filters: { label: [`wharf.pod-uid=${p.metadata.uid}`, 'wharf.container=microservice1'], status: ['running'] } });
    return c.docker.getContainer(ct!.Id);
  };
  const exec = async (pod: string, cmd: string[]) => {
    const e = await (await containerOf(pod)).exec({ Cmd: cmd });
    const s = await e.start({});
    await new Promise((r) => (s.on('end', r), s.resume()));
  };

  it('allocates a NodePort for the seed service; get svc shows 3000:3xxxx/TCP', async () => {
    const r = await c.wharf('create', '-f', join(ROOT, 'examples/microservice1-svc.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const svc = await c.getJson<{ spec: { ports: { nodePort: number }[]; clusterIP?: string } }>('svc', 'microservice1');
    nodePort = svc.spec.ports[0]!.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const table = await c.wharf('get', 'svc');
    expect(table.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    expect(table.stdout).toMatch(new RegExp(`^microservice1\\s+NodePort\\s+<none>\\s+<none>\\s+3000:${nodePort}/TCP\\s+`, 'm'));
  });

  it('rejects a taken NodePort and one out of range with 422', async () => {
    const body = (name: string, port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { x: 'y' }, ports: [{ port: 80, nodePort: port }] } });
    const taken = await c.api.fetch('/api/v1/namespaces/default/services', { method: 'POST', json: body('clash', nodePort) });
    expect(taken.status).toBe(422);
    expect(((await taken.json()) as { message: string }).message).toContain(`spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is already allocated`);
    const range = await c.api.fetch('/api/v1/namespaces/default/services', { method: 'POST', json: body('range', 40000) });
    expect(range.status).toBe(422);
    const ok = await c.api.fetch('/api/v1/namespaces/default/services', { method: 'POST', json: body('free', 31999 === nodePort ? 31998 : 31999) });
    expect(ok.status).toBe(201);
    expect((await c.api.fetch('/api/v1/namespaces/default/services/free', { method: 'DELETE' })).status).toBe(200);
    // Deleting freed the port: it can be taken again.
    const again = await c.api.fetch('/api/v1/namespaces/default/services', { method: 'POST', json: body('free2', 31999 === nodePort ? 31998 : 31999) });
    expect(again.status).toBe(201);
  });

  it('lists the 5 ready pods as endpoints; 10 requests reach each pod twice, round-robin', async () => {
    // The ReplicationController reconciler is not on this branch: the RC's 5 replicas are created as plain pods.
    for (let i = 0; i < 5; i++) await create(podYaml(`microservice1-${i}`));
    const names = [0, 1, 2, 3, 4].map((i) => `microservice1-${i}`);
    await waitReady(names);
    const ep = await c.wharf('get', 'endpoints', 'microservice1');
    expect(ep.stdout).toMatch(/microservice1\s+127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \+ 2 more\.\.\./);
    await eventually(async () => (await get(PROXIES[0]!, nodePort)).startsWith('microservice1-'), 20_000, 200);
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(await get(PROXIES[0]!, nodePort));
    expect([...seen].sort()).toEqual([...names, ...names].sort());
    expect(seen.slice(5)).toEqual(seen.slice(0, 5));
    const describe = await c.wharf('describe', 'svc', 'microservice1');
    expect(describe.stdout).toMatch(/^Name:\s+microservice1$/m);
    expect(describe.stdout).toMatch(new RegExp(`^NodePort:\\s+<unset>\\s+${nodePort}/TCP$`, 'm'));
    expect(describe.stdout).toMatch(/^Endpoints:\s+127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \+ 2 more\.\.\.$/m);
  });

  it('answers on the NodePort of every node', async () => {
    for (const addr of PROXIES) await eventually(async () => (await get(addr, nodePort)).startsWith('microservice1-'), 20_000, 200);
  });

  it('loses no request while pods die during a bounded load (new connection per request)', async () => {
    const N = 2000;
    let done = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (done < N) {
        done++;
        try {
          await get(PROXIES[done % 2]!, nodePort);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await eventually(() => done > N / 4, 30_000, 10);
    await (await containerOf('microservice1-0')).kill();
    await eventually(() => done > N / 2, 30_000, 10);
    const del = await c.wharf('delete', 'pod', 'microservice1-1');
    expect(del.code, del.stderr).toBe(0);
    await load;
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThanOrEqual(N);
  }, 120_000);

  it('leaves exactly 2 backends after scaling down to 2, and endpoints follow the pods', async () => {
    for (const n of ['microservice1-1', 'microservice1-2', 'microservice1-3']) await c.wharf('delete', 'pod', n, '--grace-period', '1').catch(() => undefined);
    await waitReady(['microservice1-0', 'microservice1-4']);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add(await get(PROXIES[1]!, nodePort));
    expect([...seen].sort()).toEqual(['microservice1-0', 'microservice1-4']);
  }, 90_000);

  it('honours sessionAffinity ClientIP, and an update keeps the allocated NodePort', async () => {
    const patch = (affinity: string) =>
      c.api.fetch('/api/v1/namespaces/default/services/microservice1', { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { sessionAffinity: affinity } }) });
    const r = await patch('ClientIP');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { spec: { ports: { nodePort: number }[] } }).spec.ports[0]!.nodePort).toBe(nodePort);
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await get(PROXIES[0]!, nodePort));
      return seen.size === 1;
    }, 20_000, 200);
    expect((await patch('None')).status).toBe(200);
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(await get(PROXIES[0]!, nodePort));
      return seen.size === 2;
    }, 20_000, 200);
  });

  it('takes a pod out of the rotation while its readiness probe fails, and back', async () => {
    await create(podYaml('gated', '    readinessProbe: {exec: {command: [test, -f, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}'));
    await eventually(async () => (await notReady()).includes('gated'), 60_000, 200);
    expect(await ready()).not.toContain('gated');
    await exec('gated', ['touch', '/tmp/ready']);
    await waitReady(['microservice1-0', 'microservice1-4', 'gated']);
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) seen.add(await get(PROXIES[0]!, nodePort));
    expect(seen.has('gated')).toBe(true);
    await exec('gated', ['rm', '/tmp/ready']);
    await waitReady(['microservice1-0', 'microservice1-4']);
    const after = new Set<string>();
    for (let i = 0; i < 9; i++) after.add(await get(PROXIES[0]!, nodePort));
    expect(after.has('gated')).toBe(false);
  }, 90_000);

  it('restarts a container whose liveness probe fails', async () => {
    await create(podYaml('unwell', '    livenessProbe: {httpGet: {path: /missing, port: http}, periodSeconds: 1, failureThreshold: 2}'));
    await eventually(async () => ((await c.getJson<Pod>('pod', 'unwell')).status.containerStatuses?.[0]?.restartCount ?? 0) > 0, 60_000, 250);
  }, 90_000);

  it('closes connections at once when a Service has no ready endpoints', async () => {
    await c.wharf('delete', 'pod', 'microservice1-0', 'microservice1-4', 'gated', 'unwell', '--grace-period', '1');
    await waitReady([]);
    const t0 = Date.now();
    await expect(get(PROXIES[0]!, nodePort)).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1000);
  }, 60_000);
});
