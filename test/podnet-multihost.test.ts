/**
 * Host-gw routes between real separate hosts: two simulated machines (network namespaces with a
 * dockerd each, test/harness/hosts.ts), nats-server in h0, an agent in each with a --pod-cidr of
 * its own, the node relay in this process. Once the Nodes carry their pod CIDRs (written here as
 * the nodeipam reconciler writes them), each host routes the other's pod CIDR via the other's
 * address (proto 213): a pod on h0 reaches a pod on h1 by pod IP without NAT, and h0 itself
 * reaches it from its bridge's address. Deleting h1's Node deletes h0's route; the reset helper,
 * run inside h0, removes h0's network, chains, jumps and every proto-213 route in the cluster CIDR.
 *
 * Run under `flock /tmp/wharf-docker-e2e.lock`; needs root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type KObject, mustKind, type Node, type Pod } from '@wharf/model';
import { EventStore, NodeFeed, Objects, readObject, type ServedRelay } from '@wharf/store';
import { networkNames } from '@wharf/agent';
import { assertOwnRoute, type Host, type HostNet, startHosts } from './harness/hosts.js';
import { createBoundPod, dockerExec, podContainer, startRelay } from './harness/agent.js';
import { eventually } from './harness/ports.js';

const CLUSTER = `pnmh-${process.pid}`;
const AGENT = join(import.meta.dirname, '../packages/agent/bin/wharf-agent.js');
const AGENT_INDEX = join(import.meta.dirname, '../packages/agent/dist/index.js');
const CIDRS: Record<string, string> = { h0: '10.244.1.0/24', h1: '10.244.2.0/24' };
const NodeKind = mustKind('Node');
const PodKind = mustKind('Pod');
const PEER_SCRIPT = [
  'mkdir -p /www/cgi-bin && hostname >/www/index.html',
  `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n%%s\\\\n" "$REMOTE_ADDR"\\n' >/www/cgi-bin/peer`,
  'chmod +x /www/cgi-bin/peer',
  "trap 'kill $pid; exit 0' TERM",
  'httpd -f -p 3000 -h /www & pid=$!',
  'wait $pid',
].join('\n');
const SLEEP = "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done";
const FETCH = `fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e.cause ?? e)); process.exit(1); })`;

describe('host-gw routes between two hosts', () => {
  let net: HostNet;
  let h0: Host, h1: Host;
  let store: EventStore;
  let feed: NodeFeed;
  let relay: ServedRelay;
  const agents = new Map<string, { child: ChildProcess; output: () => string }>();

  const startAgent = (h: Host) => {
    const dir = `/tmp/wht${net.id}/${h.name}/agent`;
    mkdirSync(dir, { recursive: true });
    const args = [AGENT, '--nats', `nats://${h0.address}:4222`, '--cluster', CLUSTER, '--node', h.name, '--address', h.address, '--docker-socket', h.dockerSocket, '--pod-cidr', CIDRS[h.name]!, '--state-dir', dir, '--heartbeat-interval', '500ms', '--resync-interval', '500ms'];
    const child = h.spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WHARF_LOG_LEVEL: 'info' } });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    agents.set(h.name, { child, output: () => out });
  };
  const stopAgent = (name: string) =>
    new Promise<void>((r) => {
      const a = agents.get(name)!.child;
      if (a.exitCode !== null || a.signalCode !== null) return r();
      a.once('exit', () => r());
      a.kill('SIGTERM');
    });
  const routes = async (h: Host) => JSON.parse((await h.exec('ip', ['-j', '-4', 'route', 'show', 'proto', '213'])).stdout || '[]') as { dst: string; gateway: string; prefsrc?: string }[];
  const podIP = (name: string) =>
    eventually(async () => {
      const p = await readObject<Pod & { metadata: { name: string } }>(store, PodKind, 'default', name);
      return p?.status?.phase === 'Running' && p.status.podIP ? p : undefined;
    }, 30_000, 200);

  beforeAll(async () => {
    net = await startHosts(2);
    [h0, h1] = net.hosts as [Host, Host];
    h0.spawn('nats-server', ['-js', '-a', h0.address, '-p', '4222', '-sd', `/tmp/wht${net.id}/h0/nats`], { stdio: 'ignore' });
    await assertOwnRoute(h0.address, net.bridge);
    store = await eventually(() => EventStore.connect({ natsUrl: `nats://${h0.address}:4222`, cluster: CLUSTER, name: 'podnet-multihost' }), 20_000, 200);
    feed = await NodeFeed.open(store);
    relay = startRelay(store);
    for (const h of net.hosts) startAgent(h);
    for (const h of net.hosts) {
      await eventually(() => readObject<Node & { metadata: { name: string } }>(store, NodeKind, undefined, h.name), 30_000, 200).catch((e: Error) => {
        throw new Error(`${e.message}\n${agents.get(h.name)!.output()}`);
      });
    }
  }, 180_000);

  afterAll(async () => {
    await relay?.stop();
    await store?.close();
    await net?.stop();
  }, 120_000);

  it('routes each host\'s pod CIDR via the other once the Nodes carry them (as nodeipam writes them), from the bridge address', async () => {
    for (const h of net.hosts) {
      await new Objects(store).change<Node & KObject>(NodeKind, undefined, h.name, (cur) => ({ object: { ...cur!, spec: { ...cur!.spec, podCIDR: CIDRS[h.name]!, podCIDRs: [CIDRS[h.name]!] } }, type: 'NodeReplaced' }), { actor: 'system:nodeipam-controller' });
    }
    const on0 = await eventually(async () => ((await routes(h0)).length ? routes(h0) : undefined), 20_000, 200).catch((e: Error) => {
      throw new Error(`${e.message}\n${agents.get('h0')!.output()}`);
    });
    expect(on0).toEqual([expect.objectContaining({ dst: '10.244.2.0/24', gateway: h1.address, prefsrc: '10.244.1.1' })]);
    const on1 = await eventually(async () => ((await routes(h1)).length ? routes(h1) : undefined), 20_000, 200);
    expect(on1).toEqual([expect.objectContaining({ dst: '10.244.1.0/24', gateway: h0.address, prefsrc: '10.244.2.1' })]);
  });

  it('lets a pod on h0 reach a pod on h1 by pod IP, without NAT; and h0 itself reaches it', async () => {
    await createBoundPod(store, feed, 'h1', 'server', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', PEER_SCRIPT], ports: [{ containerPort: 3000 }] }] });
    await createBoundPod(store, feed, 'h0', 'client', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', SLEEP] }] });
    const server = await podIP('server');
    const client = await podIP('client');
    expect(server.status!.podIP!.startsWith('10.244.2.')).toBe(true);
    expect(client.status!.podIP!.startsWith('10.244.1.')).toBe(true);
    const id = await podContainer(h0.docker, client.metadata.uid!, 'c');
    const wget = (path: string) => dockerExec(h0.docker, id, ['wget', '-q', '-O', '-', `http://${server.status!.podIP}:3000${path}`]);
    const first = await eventually(async () => {
      const r = await wget('/');
      return r.code === 0 ? r.output : undefined;
    }, 15_000, 300);
    expect(first.trim()).toBe('server');
    expect((await wget('/cgi-bin/peer')).output).toContain(client.status!.podIP);
    // From h0's own namespace: the route leaves by its link to the test bridge, from h0's gateway address.
    const get = await h0.exec('ip', ['-4', '-o', 'route', 'get', server.status!.podIP!]);
    expect(get.stdout).toMatch(new RegExp(`via ${h1.address.replace(/\./g, '\\.')} dev wh0 .*src 10\\.244\\.1\\.1`));
    const r = await h0.exec(process.execPath, ['-e', FETCH, `http://${server.status!.podIP}:3000/cgi-bin/peer`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('10.244.1.1');
  });

  it('deletes h0\'s route to h1\'s pods once h1\'s Node is deleted', async () => {
    await stopAgent('h1');
    await new Objects(store).change<Node & KObject>(NodeKind, undefined, 'h1', (cur) => ({ object: cur!, type: 'NodeDeleted' }), { actor: 'admin' });
    await eventually(async () => (await routes(h0)).length === 0, 20_000, 200);
    expect(agents.get('h0')!.output()).toMatch(/"dst":"10\.244\.2\.0\/24".*route to pods no node has any more deleted/);
  });

  it('removes h0\'s network, chains, jumps and Wharf routes in the cluster CIDR with the reset helper run in h0', async () => {
    await stopAgent('h0');
    for (const c of await h0.docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`] } })) await h0.docker.getContainer(c.Id).remove({ force: true });
    // A stale route of Wharf's in the cluster CIDR, and one of protocol 213 outside it that is not Wharf's to remove.
    expect((await h0.exec('ip', ['route', 'add', '10.244.9.0/24', 'via', h1.address, 'proto', '213'])).code).toBe(0);
    expect((await h0.exec('ip', ['route', 'add', '10.99.0.0/24', 'via', h1.address, 'proto', '213'])).code).toBe(0);
    const script = `import { removePodNetwork } from ${JSON.stringify(AGENT_INDEX)}; console.log(JSON.stringify(await removePodNetwork({ cluster: ${JSON.stringify(CLUSTER)}, node: 'h0', dockerSocket: ${JSON.stringify(h0.dockerSocket)} })));`;
    const r = await h0.exec(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const names = networkNames(CLUSTER, 'h0');
    expect(JSON.parse(r.stdout)).toEqual({ containers: [], networks: [names.name], chains: [names.fwdChain, names.natChain], routes: ['10.244.9.0/24'] });
    expect((await routes(h0)).map((x) => x.dst)).toEqual(['10.99.0.0/24']);
    expect((await h0.exec('iptables', ['-w', '-S'])).stdout).not.toContain('WHARF-');
    expect((await h0.exec('iptables', ['-w', '-t', 'nat', '-S'])).stdout).not.toContain('WHARF-');
    await expect(h0.docker.getNetwork(names.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
