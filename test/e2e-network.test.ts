/**
 * Issue #13 on one machine, end to end: a real nats-server, wharf-api, wharf-reconcilers (node
 * IPAM), two agents on the one Docker engine (two nodes, two pod bridges) and the machine's
 * wharf-proxy (cluster IPs, cluster DNS). A client pod (curl and getent on glibc, so names go
 * through resolv.conf's search list and ndots like a real application's) reaches the seed's
 * microservice1 by name, by its full name and by its ClusterIP, round robin over the 5 replicas;
 * a headless Service resolves to the pod IPs; an unknown name is NXDOMAIN; a name outside the
 * cluster is forwarded (to a resolver this test runs on loopback); the kubelet's Service
 * variables are set; and killing backends while the client sends through the ClusterIP fails
 * no request.
 */
import { createSocket, type Socket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './harness/api.js';
import { run } from './harness/exec.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { assertPodRoute, dockerExec, podContainer } from './harness/agent.js';
import { eventually } from './harness/ports.js';
import { inRange } from './harness/ranges.js';

type Pod = { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase: string; podIP?: string } };

const RC = `apiVersion: v1
kind: ReplicationController
metadata: {name: microservice1}
spec:
  replicas: 5
  template:
    metadata: {labels: {name: microservice1}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: microservice1
        image: wharf.local/microservice1:1
        ports: [{containerPort: 3000, name: http}]
`;
const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: microservice1}
spec:
  selector: {name: microservice1}
  ports: [{port: 3000, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: ms-headless}
spec:
  clusterIP: None
  selector: {name: microservice1}
  ports: [{port: 3000}]
`;
const CLIENT = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: client
    image: wharf.local/netclient:1
    command: [sleep, '3600']
`;

/** A loopback resolver standing for the machine's own: A questions under example.test get 10.1.2.3, everything else NXDOMAIN. */
function upstream(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    const known = /(^|\.)example\.test$/.test(question.name);
    const answers = known && question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 60, data: '10.1.2.3' }] : [];
    const rcode = known ? 0 : 3; // NXDOMAIN
    socket.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode, questions: q.questions, answers }), rinfo.port, rinfo.address);
  });
  return new Promise((r) => socket.bind(0, '127.0.0.1', () => r({ socket, port: socket.address().port })));
}

describe('pod network, ClusterIP and DNS on one machine', () => {
  let c: TestCluster;
  let up: { socket: Socket; port: number };
  let client: string;
  let clusterIp: string;
  const exec = (cmd: string[], timeoutMs?: number) => dockerExec(c.docker, client, cmd, timeoutMs);
  const pods = async () => ((await c.getJson<{ items: Pod[] }>('pods', '')).items ?? []).filter((p) => p.metadata.name.startsWith('microservice1'));
  const running = async () => (await pods()).filter((p) => p.status.phase === 'Running' && p.status.podIP);

  beforeAll(async () => {
    up = await upstream();
    c = await startCluster('e2enet', [
      { name: 'n1', proxy: '127.0.0.1', proxyArgs: ['--dns-upstream', `127.0.0.1:${up.port}`] },
      { name: 'n2' },
    ]);
    for (const y of [RC, SERVICES, CLIENT]) {
      const r = await run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c.api.home, WHARF_CONFIG: c.api.configPath }, input: y });
      if (r.code !== 0) throw new Error(r.stderr);
    }
    await eventually(async () => (await running()).length === 5, 90_000);
    await eventually(async () => (await c.getJson<Pod>('pod', 'client')).status.phase === 'Running', 60_000);
    const pod = await c.getJson<Pod>('pod', 'client');
    client = await podContainer(c.docker, pod.metadata.uid, 'client');
    clusterIp = (await c.getJson<{ spec: { clusterIP: string } }>('svc', 'microservice1')).spec.clusterIP;
  }, 180_000);

  afterAll(async () => {
    await c?.stop();
    up?.socket.close();
  });

  it('gives every node its own pod CIDR and every pod an address in it, reachable from the machine', async () => {
    const nodes = await Promise.all(['n1', 'n2'].map((n) => c.getJson<{ spec: { podCIDR?: string } }>('node', n)));
    const cidrs = nodes.map((n) => n.spec.podCIDR);
    expect(cidrs.every((x) => x && inRange(c.ranges.clusterCidr, x))).toBe(true);
    expect(new Set(cidrs).size).toBe(2);
    const ps = await running();
    expect(new Set(ps.map((p) => p.spec.nodeName))).toEqual(new Set(['n1', 'n2']));
    for (const p of ps) {
      const cidr = cidrs[p.spec.nodeName === 'n1' ? 0 : 1]!;
      expect(p.status.podIP!.split('.').slice(0, 3).join('.')).toBe(cidr.split('.').slice(0, 3).join('.'));
      assertPodRoute(p.status.podIP!);
    }
  });

  it('reaches microservice1 by name, round robin over all 5 replicas', async () => {
    const names = (await running()).map((p) => p.metadata.name).sort();
    for (const host of ['microservice1', 'microservice1.default', 'microservice1.default.svc.cluster.local', clusterIp]) {
      const r = await exec(['sh', '-c', `for i in $(seq 1 15); do curl -sf -m 5 http://${host}:3000/ || echo FAIL; echo; done`], 60_000);
      const seen = r.output.split('\n').map((l) => l.trim()).filter(Boolean);
      expect(seen, host).not.toContain('FAIL');
      expect([...new Set(seen)].sort(), host).toEqual(names);
    }
  });

  it('resolves a headless Service to the pod IPs, and says NXDOMAIN for an unknown name', async () => {
    const ips = (await running()).map((p) => p.status.podIP!).sort();
    const r = await exec(['getent', 'ahostsv4', 'ms-headless']);
    expect(r.code).toBe(0);
    expect([...new Set(r.output.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean))].sort()).toEqual(ips);
    for (const name of ['nosuch.default.svc.cluster.local', 'nosuch']) {
      const r = await exec(['getent', 'hosts', name]);
      expect(r.code, `${name}: ${r.output}`).toBe(2);
    }
  });

  it('forwards a name outside the cluster to the node\'s resolver', async () => {
    const r = await exec(['getent', 'hosts', 'www.example.test']);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/^10\.1\.2\.3\s+www\.example\.test/m);
  });

  it('writes the kubelet\'s resolv.conf and Service variables into the pod', async () => {
    const conf = (await exec(['cat', '/etc/resolv.conf'])).output;
    expect(conf.split('\n')).toContain(`nameserver ${c.ranges.clusterDns}`);
    expect(conf).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    expect(conf).toMatch(/^options ndots:5$/m);
    const env = (await exec(['sh', '-c', 'echo "$MICROSERVICE1_SERVICE_HOST:$MICROSERVICE1_SERVICE_PORT"'])).output.trim();
    expect(env).toBe(`${clusterIp}:3000`);
  });

  it('loses no request through the ClusterIP while backends are killed', async () => {
    // The client sends 500 requests, one after another, each on a new connection; meanwhile three
    // backends are deleted one by one and the RC replaces them.
    const load = exec(['sh', '-c', 'ok=0; fail=0; for i in $(seq 1 500); do if curl -sf -m 5 -o /dev/null http://microservice1:3000/; then ok=$((ok+1)); else fail=$((fail+1)); fi; done; echo "ok=$ok fail=$fail"'], 180_000);
    const victimPods = (await running()).slice(0, 3);
    const victims = victimPods.map((p) => p.metadata.name);
    const gone = new Set(victimPods.map((p) => p.metadata.uid));
    for (const v of victims) {
      await new Promise((r) => setTimeout(r, 1500));
      const r = await c.wharf('delete', 'pod', v, '--wait=false');
      expect(r.code, r.stderr).toBe(0);
    }
    const { output } = await load;
    expect(output).toMatch(/ok=500 fail=0/);
    // (The RC may give a replacement a deleted pod's name: the uid tells them apart.)
    await eventually(async () => (await pods()).every((p) => !gone.has(p.metadata.uid)), 30_000);
    await eventually(async () => (await running()).length === 5, 60_000);
  }, 240_000);

  it('keeps the service range on the machine: a port no Service has is refused at the cluster IP', async () => {
    expect(execFileSync('ip', ['route', 'get', clusterIp], { encoding: 'utf8' })).toMatch(/^local /);
    const r = await exec(['sh', '-c', `curl -s -m 5 http://${clusterIp}:3999/; echo "exit=$?"`]);
    expect(r.output).toMatch(/exit=7/); // curl: connection refused
  });
});
