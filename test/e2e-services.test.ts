import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './harness/api.js';
import { run } from './harness/exec.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';
import { inRange } from './harness/ranges.js';

type Endpoints = { subsets?: { addresses?: { ip: string; targetRef?: { name: string } }[]; notReadyAddresses?: { targetRef?: { name: string } }[]; ports?: { port: number }[] }[] };
type Pod = { metadata: { name: string; uid: string }; status: { phase: string; containerStatuses?: { ready: boolean; restartCount: number }[] } };

/** A failed GET, and whether any byte of the answer had come: before it, a proxy could have saved the request. */
class GetError extends Error {
  constructor(message: string, readonly afterFirstByte: boolean) {
    super(message);
  }
}

/** One HTTP GET of `path` on a new connection (no keep-alive); resolves with the body or rejects with a GetError. */
function get(host: string, port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const fail = (e: Error) => reject(new GetError(e.message, answered));
    const req = request({ host, port, path, agent: false, headers: { connection: 'close' }, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : fail(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', fail);
    });
    req.on('socket', (s) => s.once('data', () => (answered = true)));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

/**
 * GETs `path` through the proxies, alternating, on `workers` parallel connections until `stop`
 * is called; collects every failure, counting an answer that does not start with `prefix` (a
 * body cut short) as one.
 */
function steadyLoad(addresses: readonly string[], port: number, prefix: string, path = '/', workers = 8) {
  let stopped = false;
  let done = 0;
  const failures: GetError[] = [];
  const worker = async () => {
    while (!stopped) {
      const n = done++;
      try {
        const body = await get(addresses[n % addresses.length]!, port, path);
        if (!body.startsWith(prefix)) failures.push(new GetError(`body cut short: ${JSON.stringify(body)}`, true));
      } catch (e) {
        failures.push(e as GetError);
      }
    }
  };
  const all = Promise.all(Array.from({ length: workers }, worker));
  return {
    failures,
    done: () => done,
    async stop() {
      stopped = true;
      await all;
    },
  };
}

/** `failures` as `message (before|after the first byte)`, for assertion messages. */
const described = (failures: readonly GetError[]) => failures.map((f) => `${f.message} (${f.afterFirstByte ? 'after' : 'before'} the first byte)`);

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

  it('allocates a ClusterIP and a NodePort for the seed service; get svc shows both', async () => {
    const r = await c.wharf('create', '-f', join(ROOT, 'examples/microservice1-svc.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const svc = await c.getJson<{ spec: { ports: { nodePort: number }[]; clusterIP?: string } }>('svc', 'microservice1');
    nodePort = svc.spec.ports[0]!.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const table = await c.wharf('get', 'svc');
    expect(table.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    expect(inRange(c.ranges.serviceCidr, svc.spec.clusterIP!)).toBe(true);
    expect(table.stdout).toMatch(new RegExp(`^microservice1\\s+NodePort\\s+${svc.spec.clusterIP!.replace(/\./g, '\\.')}\\s+<none>\\s+3000:${nodePort}/TCP\\s+`, 'm'));
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
    // Endpoints are the pods' own addresses and container port (pod IP:targetPort).
    const pod = `${c.ranges.clusterCidr.split('.').slice(0, 2).join('\\.')}\\.\\d+\\.\\d+:3000`;
    expect(ep.stdout).toMatch(new RegExp(`microservice1\\s+${pod},${pod},${pod} \\+ 2 more\\.\\.\\.`));
    await eventually(async () => (await get(PROXIES[0]!, nodePort)).startsWith('microservice1-'), 20_000, 200);
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(await get(PROXIES[0]!, nodePort));
    expect([...seen].sort()).toEqual([...names, ...names].sort());
    expect(seen.slice(5)).toEqual(seen.slice(0, 5));
    const describe = await c.wharf('describe', 'svc', 'microservice1');
    expect(describe.stdout).toMatch(/^Name:\s+microservice1$/m);
    expect(describe.stdout).toMatch(new RegExp(`^NodePort:\\s+<unset>\\s+${nodePort}/TCP$`, 'm'));
    expect(describe.stdout).toMatch(new RegExp(`^Endpoints:\\s+${pod},${pod},${pod} \\+ 2 more\\.\\.\\.$`, 'm'));
  });

  it('answers on the NodePort of every node', async () => {
    for (const addr of PROXIES) await eventually(async () => (await get(addr, nodePort)).startsWith('microservice1-'), 20_000, 200);
  });

  it('saves every request refused or reset before its first byte while a pod is SIGKILLed (responses the kill cuts mid-way no proxy can save, and are not counted)', async () => {
    const load = steadyLoad(PROXIES, nodePort, 'microservice1-');
    await eventually(() => load.done() > 500, 30_000, 10);
    await (await containerOf('microservice1-0')).kill();
    // The agent restarts the container (at a new pod IP: the one container is its own sandbox); the Endpoints follow.
    await eventually(async () => ((await c.getJson<Pod>('pod', 'microservice1-0')).status.containerStatuses?.[0]?.restartCount ?? 0) > 0, 30_000, 100);
    await waitReady(['microservice1-0', 'microservice1-1', 'microservice1-2', 'microservice1-3', 'microservice1-4']);
    const at = load.done();
    await eventually(() => load.done() > at + 500, 30_000, 10);
    await load.stop();
    const saveable = load.failures.filter((f) => !f.afterFirstByte);
    console.info(`SIGKILL under load: ${load.done()} requests, ${saveable.length} failed before the first byte, ${load.failures.length - saveable.length} cut mid-response by the kill`);
    expect(described(saveable), 'requests refused or reset before their first byte (a proxy can retry those)').toEqual([]);
  }, 120_000);

  it('loses no request while pods are removed as planned under a steady load: an RC scale-down, then pod deletes', async () => {
    // Each answer takes 0.3 s after its headers, and the server dies at once on SIGTERM (as
    // microservice1 does): a request still in flight when SIGTERM comes is cut mid-response.
    await create(`apiVersion: v1
kind: ReplicationController
metadata: {name: steady}
spec:
  replicas: 4
  template:
    metadata: {labels: {app: steady}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: web
        image: wharf.local/busybox:1
        command:
        - sh
        - -c
        - |
          mkdir -p /www/cgi-bin
          cat >/www/cgi-bin/slow <<'EOF'
          #!/bin/sh
          h=$(hostname)
          printf 'Content-Type: text/plain\\r\\nContent-Length: %d\\r\\n\\r\\n' $((\${#h} + 1))
          sleep 0.3
          echo "$h"
          EOF
          chmod +x /www/cgi-bin/slow
          trap 'kill $pid; exit 0' TERM
          httpd -f -p 3000 -h /www & pid=$!
          wait $pid
        ports: [{containerPort: 3000, name: http, protocol: TCP}]
`);
    await create(`apiVersion: v1
kind: Service
metadata: {name: steady}
spec:
  type: NodePort
  selector: {app: steady}
  ports: [{port: 3000, protocol: TCP}]
`);
    const port = (await c.getJson<{ spec: { ports: { nodePort: number }[] } }>('svc', 'steady')).spec.ports[0]!.nodePort;
    type PodList = { items: { metadata: { name: string; uid: string; deletionTimestamp?: string } }[] };
    const api = async <T>(path: string) => (await (await c.api.fetch(`/api/v1/namespaces/default/${path}`)).json()) as T;
    const pods = () => api<PodList>('pods?labelSelector=app%3Dsteady');
    const readyNames = async () => (await api<Endpoints>('endpoints/steady')).subsets?.flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef!.name)).sort() ?? [];
    /** Waits until the RC has exactly `n` pods, none terminating, all of them ready endpoints; returns them. */
    const settled = (n: number) =>
      eventually(async () => {
        const items = (await pods()).items;
        const all = items.map((p) => p.metadata.name).sort();
        return items.length === n && items.every((p) => !p.metadata.deletionTimestamp) && JSON.stringify(await readyNames()) === JSON.stringify(all) ? items : undefined;
      }, 60_000, 200);
    await settled(4);
    const SLOW = '/cgi-bin/slow';
    for (const addr of PROXIES) await eventually(async () => (await get(addr, port, SLOW)).startsWith('steady-'), 20_000, 200);

    const load = steadyLoad(PROXIES, port, 'steady-', SLOW);
    await eventually(() => load.done() > 100, 30_000, 10);
    const scale = await c.wharf('scale', 'rc', 'steady', '--replicas', '2');
    expect(scale.code, scale.stderr).toBe(0);
    const kept = await settled(2);
    // The replacement of a deleted pod takes its slot, and so its name: a pod is told by its uid.
    for (const victim of kept) {
      const del = await c.wharf('delete', 'pod', victim.metadata.name);
      expect(del.code, del.stderr).toBe(0);
      await eventually(async () => !(await pods()).items.some((p) => p.metadata.uid === victim.metadata.uid), 60_000, 200);
      await settled(2);
    }
    const at = load.done();
    await eventually(() => load.done() > at + 100, 30_000, 10);
    await load.stop();
    console.info(`planned removals under load: ${load.done()} requests, ${load.failures.length} failed`);
    expect(described(load.failures), 'requests lost to planned removals (4 pods stopped gracefully)').toEqual([]);
    expect((await c.wharf('delete', 'rc', 'steady')).code).toBe(0);
    expect((await c.wharf('delete', 'svc', 'steady')).code).toBe(0);
  }, 240_000);

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
