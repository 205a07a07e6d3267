/**
 * The pod network on one machine: a real nats-server, wharf-api, wharf-reconcilers and three
 * wharf-agents on the one Docker engine, each node on a bridge of its own (node-a and node-b
 * with a --pod-cidr each, as the harness gives; node-c with none until its Node gets one). Pods
 * get addresses in their node's pod CIDR and reach each other across bridges without NAT; the
 * host reaches them by pod IP; host ports are published only when declared; containers get the
 * pod resolv.conf and the Service variables; an agent restart keeps the addresses; the reset
 * helper removes a node's network, chains and jumps.
 *
 * Every pod IP is checked with `ip route get` (a bridge of ours) before the host sends to it.
 * Run under `flock /tmp/wharf-docker-e2e.lock`; needs root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { type KObject, mustKind, type Node } from '@wharf/model';
import { EventStore, Objects } from '@wharf/store';
import { networkNames, removePodNetwork } from '@wharf/agent';
import { BIN } from './harness/api.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { assertPodRoute, dockerExec, nextPodCidr, podContainer } from './harness/agent.js';
import { eventually, freePort } from './harness/ports.js';
import { run } from './harness/exec.js';
import { inRange, testRanges } from './harness/ranges.js';

const CLUSTER = `podnet-${process.pid}`;
type Pod = { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string; podIPs?: { ip: string }[]; hostIP?: string; hostPorts?: { containerPort: number; hostPort: number }[]; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } };
type NodeJson = { spec?: { podCIDR?: string }; status: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } };

/** busybox httpd answering /cgi-bin/peer with the client's address (REMOTE_ADDR) and / with the pod name. */
const PEER_SCRIPT = [
  'mkdir -p /www/cgi-bin && hostname >/www/index.html',
  `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n%%s\\\\n" "$REMOTE_ADDR"\\n' >/www/cgi-bin/peer`,
  'chmod +x /www/cgi-bin/peer',
  "trap 'kill $pid; exit 0' TERM",
  'httpd -f -p 3000 -h /www & pid=$!',
  'wait $pid',
].join('\n');
const SLEEP = "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done";

const podYaml = (name: string, node: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { nodeSelector: { 'kubernetes.io/hostname': node }, terminationGracePeriodSeconds: 2, containers: [{ name: 'c', ...container }], ...extra } });

/** The first three octets of a /24 ("10.244.3.") */
const prefixOf = (cidr: string) => cidr.replace(/0\/24$/, '');
const iptables = (...args: string[]) => execFileSync('iptables', ['-w', ...args], { encoding: 'utf8' });

describe('the pod network on one machine', () => {
  let c: TestCluster;
  let store: EventStore;
  const cidr = (node: string) => c.agents.get(node)!.podCidr!;

  beforeAll(async () => {
    // Standalone pod CIDRs (--pod-cidr) and no nodeipam: this file checks the agent alone, and
    // writes a Node's podCIDR itself where it needs one (test/nodeipam.test.ts covers the IPAM).
    c = await startCluster(CLUSTER, [{ name: 'node-a', podCidr: nextPodCidr() }, { name: 'node-b', podCidr: nextPodCidr() }], ['--controllers', 'scheduler,nodefeed,endpoints,replication,gc,nodelifecycle'], { ...testRanges(), clusterCidr: '10.244.0.0/16' });
    store = await EventStore.connect({ natsUrl: c.nats.url, cluster: CLUSTER, name: 'podnet-test' });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await c?.stop();
  }, 60_000);

  const create = async (json: string) => {
    const r = await run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c.api.home, WHARF_CONFIG: c.api.configPath }, input: json });
    expect(r.code, r.stderr).toBe(0);
  };
  const running = (name: string) =>
    eventually(async () => {
      const p = await c.getJson<Pod>('pod', name);
      return p.status.phase === 'Running' && p.status.podIP ? p : undefined;
    }, 30_000, 100);
  /** GET from the host, once the address routes to one of our bridges. */
  const get = async (ip: string, path = '/', port = 3000) => {
    assertPodRoute(ip);
    return (await fetch(`http://${ip}:${port}${path}`, { signal: AbortSignal.timeout(3000) })).text();
  };
  /** GET from inside a pod's container with busybox wget. */
  const getFrom = async (pod: Pod, url: string) => {
    const r = await dockerExec(c.docker, await podContainer(c.docker, pod.metadata.uid, 'c'), ['wget', '-q', '-O', '-', url]);
    if (r.code !== 0) throw new Error(`wget ${url} in ${pod.metadata.name}: exit ${r.code}: ${r.output}`);
    return r.output;
  };

  it('gives each pod an address in its node\'s pod CIDR, on a Docker network of its node, shown by get pods -o wide', async () => {
    await create(podYaml('peer-b', 'node-b', { image: 'wharf.local/busybox:1', command: ['sh', '-c', PEER_SCRIPT], ports: [{ containerPort: 3000, name: 'http' }] }));
    await create(podYaml('client-a', 'node-a', { image: 'wharf.local/busybox:1', command: ['sh', '-c', SLEEP] }));
    const [peer, client] = [await running('peer-b'), await running('client-a')];
    expect(peer.status.podIP!.startsWith(prefixOf(cidr('node-b')))).toBe(true);
    expect(client.status.podIP!.startsWith(prefixOf(cidr('node-a')))).toBe(true);
    expect(peer.status.podIPs).toEqual([{ ip: peer.status.podIP }]);
    expect(peer.status.hostIP).toBe('127.0.0.1');
    const wide = await c.wharf('get', 'pods', '-o', 'wide');
    expect(wide.stdout).toMatch(new RegExp(`^peer-b\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${peer.status.podIP!.replace(/\./g, '\\.')}\\s+node-b`, 'm'));
    for (const node of ['node-a', 'node-b']) {
      const names = networkNames(CLUSTER, node);
      const net = await c.docker.getNetwork(names.name).inspect();
      expect(net.IPAM?.Config).toEqual([{ Subnet: cidr(node), Gateway: `${prefixOf(cidr(node))}1` }]);
      expect(net.Options).toMatchObject({ 'com.docker.network.bridge.name': names.bridge, 'com.docker.network.bridge.enable_ip_masquerade': 'false' });
      expect(net.Labels).toEqual({ 'wharf.cluster': CLUSTER, 'wharf.node': node });
      const n = await c.getJson<NodeJson>('node', node);
      expect(n.status.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    }
  });

  it('lets a pod on node-a reach a pod on node-b (another bridge) by pod IP, and the backend sees the client\'s pod IP: no NAT between pods', async () => {
    const [peer, client] = [await running('peer-b'), await running('client-a')];
    expect(assertPodRoute(peer.status.podIP!)).toBe(networkNames(CLUSTER, 'node-b').bridge);
    expect(assertPodRoute(client.status.podIP!)).toBe(networkNames(CLUSTER, 'node-a').bridge);
    const body = await eventually(() => getFrom(client, `http://${peer.status.podIP}:3000/`), 10_000, 200);
    expect(body.trim()).toBe('peer-b');
    expect(await getFrom(client, `http://${peer.status.podIP}:3000/cgi-bin/peer`)).toContain(client.status.podIP);
    // The host reaches the pod from its bridge's own address.
    expect((await get(peer.status.podIP!)).trim()).toBe('peer-b');
    expect(await get(peer.status.podIP!, '/cgi-bin/peer')).toContain(`${prefixOf(cidr('node-b'))}1`);
  });

  it('keeps its iptables rules in chains of its own: accept pod traffic in the cluster CIDR, masquerade only what leaves it', () => {
    const a = networkNames(CLUSTER, 'node-a');
    expect(iptables('-S', a.fwdChain).split('\n')).toEqual(expect.arrayContaining([`-A ${a.fwdChain} -s 10.244.0.0/16 -d ${cidr('node-a')} -j ACCEPT`, `-A ${a.fwdChain} -s ${cidr('node-a')} -d 10.244.0.0/16 -j ACCEPT`]));
    expect(iptables('-t', 'nat', '-S', a.natChain)).toContain(`-A ${a.natChain} -s ${cidr('node-a')} ! -d 10.244.0.0/16 -j MASQUERADE`);
    const jumps = iptables('-S', 'DOCKER-USER').split('\n').filter((l) => l.endsWith(`-j ${a.fwdChain}`));
    expect(jumps).toEqual([`-A DOCKER-USER -m comment --comment "wharf pod network of ${CLUSTER}/node-a" -j ${a.fwdChain}`]);
    expect(iptables('-t', 'nat', '-S', 'POSTROUTING').split('\n').filter((l) => l.endsWith(`-j ${a.natChain}`))).toHaveLength(1);
  });

  it('publishes a host port only when a container port declares one', async () => {
    const port = await freePort();
    await create(podYaml('hp', 'node-a', { image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000, hostPort: port }] }));
    const hp = await running('hp');
    expect(hp.status.hostPorts).toEqual([{ containerPort: 3000, hostPort: port, protocol: 'TCP' }]);
    const body = await eventually(async () => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) })).text(), 10_000, 200);
    expect(body.trim()).toBe('hp');
    const peer = await running('peer-b');
    expect(peer.status.hostPorts).toBeUndefined();
    const info = await c.docker.getContainer(await podContainer(c.docker, peer.metadata.uid, 'c')).inspect();
    expect(info.HostConfig.PortBindings ?? {}).toEqual({});
  });

  it('gives every container the pod resolv.conf (cluster DNS, search list, ndots:5) and the Service variables of its namespace', async () => {
    await create(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432, name: 'pg' }] } }));
    const svc = await c.getJson<{ spec: { clusterIP: string } }>('svc', 'db');
    expect(inRange(c.ranges.serviceCidr, svc.spec.clusterIP)).toBe(true);
    await create(podYaml('env', 'node-b', { image: 'wharf.local/busybox:1', command: ['sh', '-c', SLEEP], env: [{ name: 'OWN', value: 'mine' }] }));
    const p = await running('env');
    const id = await podContainer(c.docker, p.metadata.uid, 'c');
    expect((await dockerExec(c.docker, id, ['cat', '/etc/resolv.conf'])).output).toBe(`nameserver ${c.ranges.clusterDns}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`);
    const env = (await dockerExec(c.docker, id, ['env'])).output.split('\n');
    expect(env).toEqual(expect.arrayContaining([`DB_SERVICE_HOST=${svc.spec.clusterIP}`, 'DB_SERVICE_PORT=5432', 'DB_SERVICE_PORT_PG=5432', `DB_PORT=tcp://${svc.spec.clusterIP}:5432`, 'OWN=mine']));
  });

  it('keeps the pods\' addresses when the agent restarts: it reuses its network', async () => {
    const names = networkNames(CLUSTER, 'node-a');
    const before = (await c.docker.getNetwork(names.name).inspect()).Id;
    const client = await running('client-a');
    const agent = c.agents.get('node-a')!;
    agent.child.kill('SIGTERM');
    await agent.exited;
    const again = await c.restartAgent('node-a');
    await eventually(() => again.output().includes('pod network ready'), 20_000);
    expect(again.output()).toMatch(/"action":"reuse".*"msg":"pod network ready"|"msg":"pod network ready".*"action":"reuse"/);
    expect((await c.docker.getNetwork(names.name).inspect()).Id).toBe(before);
    expect((await running('client-a')).status.podIP).toBe(client.status.podIP);
    const peer = await running('peer-b');
    expect((await getFrom(client, `http://${peer.status.podIP}:3000/`)).trim()).toBe('peer-b');
  });

  it('keeps a node without a pod CIDR NotReady (NetworkNotReady), starting nothing, until its Node gets one', async () => {
    await c.startAgent({ name: 'node-c', podCidr: false });
    const ready = async () => (await c.getJson<NodeJson>('node', 'node-c')).status.conditions?.find((x) => x.type === 'Ready');
    const cond = await eventually(ready, 20_000, 200);
    expect(cond).toMatchObject({ status: 'False', reason: 'NetworkNotReady' });
    expect(cond!.message).toMatch(/^network not ready: node node-c has no podCIDR yet/);
    expect((await c.wharf('get', 'nodes')).stdout).toMatch(/^node-c\s+NotReady\s/m);
    // Bound by hand (the scheduler takes no NotReady node): the agent reports it waiting and starts nothing.
    await create(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late' }, spec: { nodeName: 'node-c', terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', SLEEP] }] } }));
    const waiting = await eventually(async () => {
      const p = await c.getJson<Pod>('pod', 'late');
      return p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating' ? p : undefined;
    }, 20_000, 200);
    expect(waiting.status.phase).toBe('Pending');
    expect(await c.docker.listContainers({ all: true, filters: { label: [`wharf.pod-uid=${waiting.metadata.uid}`] } })).toEqual([]);
    // The Node gets a pod CIDR (as the nodeipam reconciler gives one): the network comes up, the pod starts.
    const podCIDR = nextPodCidr();
    await new Objects(store).change<Node & KObject>(mustKind('Node'), undefined, 'node-c', (cur) => ({ object: { ...cur!, spec: { ...cur!.spec, podCIDR, podCIDRs: [podCIDR] } }, type: 'NodeReplaced' }), { actor: 'test' });
    await eventually(async () => (await ready())?.status === 'True', 20_000, 200);
    const late = await running('late');
    expect(late.status.podIP!.startsWith(prefixOf(podCIDR))).toBe(true);
    expect(assertPodRoute(late.status.podIP!)).toBe(networkNames(CLUSTER, 'node-c').bridge);
  });

  it('removes a node\'s network, chains and jumps with the reset helper, once its pods are gone (or with them, as wharf reset does)', async () => {
    const b = networkNames(CLUSTER, 'node-b');
    const agent = c.agents.get('node-b')!;
    agent.child.kill('SIGTERM');
    await agent.exited;
    // With its pods still there, the network stays (said in one line); chains and jumps go.
    await expect(removePodNetwork({ cluster: CLUSTER, node: 'node-b', clusterCidr: null })).rejects.toThrow(/the Docker network .* still has \d container\(s\): remove the node's pods first/);
    const pods = (await c.docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`, 'wharf.node=node-b'] } })).map((x) => x.Names[0]!.replace(/^\//, ''));
    expect(pods.length).toBeGreaterThan(0);
    // removePods (wharf reset) takes the node's pod containers first, only those of node-b.
    const others = (await c.docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`, 'wharf.node=node-a'] } })).length;
    const removed = await removePodNetwork({ cluster: CLUSTER, node: 'node-b', clusterCidr: null, removePods: true });
    expect({ ...removed, containers: removed.containers.sort() }).toEqual({ containers: pods.sort(), networks: [b.name], chains: [], routes: [] });
    expect(await c.docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`, 'wharf.node=node-b'] } })).toEqual([]);
    expect((await c.docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`, 'wharf.node=node-a'] } })).length).toBe(others);
    await expect(c.docker.getNetwork(b.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(() => iptables('-S', b.fwdChain)).toThrow();
    expect(() => iptables('-t', 'nat', '-S', b.natChain)).toThrow();
    expect(iptables('-S', 'DOCKER-USER')).not.toContain(b.fwdChain);
    expect(iptables('-t', 'nat', '-S', 'POSTROUTING')).not.toContain(b.natChain);
    expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toContain(b.bridge);
    // Again: nothing left to remove is no failure.
    expect(await removePodNetwork({ cluster: CLUSTER, node: 'node-b', clusterCidr: null })).toEqual({ containers: [], networks: [], chains: [], routes: [] });
  });
});
