/**
 * Node IPAM against a real nats-server, wharf-api and wharf-reconcilers processes: Nodes get
 * distinct pod CIDRs, a deleted Node's subnet goes to the next Node, a restart adopts the claims
 * (and frees those whose node is gone), reconcilers racing on many nodes never hand out one subnet
 * twice, a full range leaves the Node marked and nothing half-made, a different range refuses to
 * start, and a node's own credentials can neither set nor drop its pod CIDR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { makeCA } from '@wharf/pki';
import { type Event, type KObject, mustKind, type Node } from '@wharf/model';
import { createLogger, EventStore, newIdentitySeeds, NodeRelayClient, PKI_FILES, PodCIDRClaims, subjectHistory } from '@wharf/store';
import { startManager, type Manager } from '@wharf/reconcilers';
import { registerNode, RelayObjects } from '@wharf/agent';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { killHard, run } from './harness/exec.js';
import { eventually } from './harness/ports.js';

const NodeKind = mustKind('Node');
type Status = { code?: number; message?: string };

/** Spawns wharf-reconcilers running node IPAM alone; its stderr is kept for failures. */
function reconcilers(natsUrl: string, cluster: string, args: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN.reconcilers, '--nats', natsUrl, '--cluster', cluster, '--controllers', 'nodeipam', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'warn' } });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Runs wharf-reconcilers expecting it to refuse to start; its exit code and stderr. */
async function refusedStart(natsUrl: string, cluster: string, args: string[]) {
  const r = await run(process.execPath, [BIN.reconcilers, '--nats', natsUrl, '--cluster', cluster, '--controllers', 'nodeipam', ...args], { env: { WHARF_LOG_LEVEL: 'error' }, timeoutMs: 30_000 });
  return { code: r.code, stderr: r.stderr.trim() };
}

/** A control plane secrets directory as `wharf init` writes it (so /cluster-info answers). */
function pkiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-pki-'));
  const ca = makeCA('wharf-ipam-test');
  writeFileSync(join(dir, PKI_FILES.caCert), ca.cert);
  writeFileSync(join(dir, PKI_FILES.caKey), ca.key, { mode: 0o600 });
  writeFileSync(join(dir, PKI_FILES.natsIdentity), JSON.stringify(newIdentitySeeds()), { mode: 0o600 });
  writeFileSync(join(dir, PKI_FILES.systemCreds), '', { mode: 0o600 });
  return dir;
}

/** Helpers on one cluster's API and bucket. */
function clusterOps(api: () => ApiHandle, store: () => EventStore) {
  const ops = {
    async create(name: string) {
      const r = await api().fetch('/api/v1/nodes', { method: 'POST', json: { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } } });
      expect(r.status, await r.clone().text()).toBe(201);
    },
    async remove(name: string) {
      expect((await api().fetch(`/api/v1/nodes/${name}`, { method: 'DELETE' })).status).toBe(200);
    },
    async node(name: string): Promise<Node & KObject> {
      return (await (await api().fetch(`/api/v1/nodes/${name}`)).json()) as Node & KObject;
    },
    /** Waits until every named node has a pod CIDR; returns them by node. */
    async cidrs(names: string[], timeoutMs = 20_000): Promise<Record<string, string>> {
      return eventually(async () => {
        const out: Record<string, string> = {};
        for (const n of names) {
          const spec = (await ops.node(n)).spec;
          if (!spec?.podCIDR) return undefined;
          expect(spec.podCIDRs).toEqual([spec.podCIDR]);
          out[n] = spec.podCIDR;
        }
        return out;
      }, timeoutMs);
    },
    /** The claims in the bucket, subnet → node. */
    async claims(): Promise<Record<string, string>> {
      const c = new PodCIDRClaims(await new Kvm(store().nc).open(store().subjects.podCIDRBucket));
      return Object.fromEntries((await c.list()).map((x) => [x.subnet, x.node]));
    },
    async assignments(name: string): Promise<number> {
      return (await subjectHistory(store(), store().subjects.object(NodeKind, undefined, name))).filter((e) => e.type === 'NodePodCIDRAssigned').length;
    },
  };
  return ops;
}

describe('node IPAM', () => {
  const cluster = 'ipam';
  let nats: NatsHandle;
  let api: ApiHandle;
  let store: EventStore;
  let rec: ReturnType<typeof reconcilers>;
  const ops = clusterOps(() => api, () => store);

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster, extraArgs: ['--pki-dir', pkiDir(), '--cluster-domain', 'wharf.test'] });
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'ipam-test' });
    rec = reconcilers(nats.url, cluster);
  }, 60_000);
  afterAll(async () => {
    if (rec) await killHard(rec.child);
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  it('gives three nodes the three lowest /24s of 10.244.0.0/16, claimed in the bucket by name', async () => {
    for (const n of ['n1', 'n2', 'n3']) await ops.create(n);
    const got = await ops.cidrs(['n1', 'n2', 'n3']);
    expect(Object.values(got).sort()).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
    expect(await ops.claims()).toEqual(Object.fromEntries(Object.entries(got).map(([n, s]) => [s, n])));
    const last = await store.last(store.subjects.object(NodeKind, undefined, 'n1'));
    expect(last).toMatchObject({ type: 'NodePodCIDRAssigned', metadata: { actor: 'system:node-ipam-controller' } });
  });

  it('advertises the networks in /cluster-info: the recorded cluster CIDR, the service range, its DNS address and the domain', async () => {
    const info = (await (await api.fetch('/cluster-info')).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ kind: 'ClusterInfo', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/16', clusterDNS: '10.96.0.10', clusterDomain: 'wharf.test' });
  });

  it.skipIf(!existsSync('/usr/bin/kubectl'))('shows the pod CIDR in kubectl describe node', async () => {
    const cidr = (await ops.node('n1')).spec!.podCIDR!;
    const ca = join(api.home, 'ca-kubectl.crt');
    writeFileSync(ca, api.ca);
    const r = await run('/usr/bin/kubectl', ['--server', api.url, '--token', api.token, '--certificate-authority', ca, 'describe', 'node', 'n1'], { env: { HOME: mkdtempSync(join(tmpdir(), 'wharf-kubectl-')), KUBECONFIG: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^PodCIDR:\\s+${cidr.replace(/\./g, '\\.')}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^PodCIDRs:\\s+${cidr.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('keeps the pod CIDR when the node\'s agent reports its status, and refuses a node that sets, changes or drops it', async () => {
    const before = await ops.node('n1');
    const relay = new NodeRelayClient(store.nc, store.subjects, 'n1');
    const facts = { name: 'n1', address: '127.0.0.1', hostname: 'n1', cpus: 2, memoryBytes: 2 ** 31, maxPods: 110, labels: {}, taints: [], kernelVersion: 'k', osImage: 'o', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'docker://x', machineID: 'm', bootID: 'b' };
    const after = await registerNode(new RelayObjects(relay, createLogger('ipam-test', 'silent')), facts);
    expect(after.spec).toEqual(before.spec);
    expect(await store.last(store.subjects.object(NodeKind, undefined, 'n1'))).toMatchObject({ type: 'NodeStatusUpdated', metadata: { actor: 'system:node:n1' } });
    const current = await ops.node('n1');
    const put = (spec: Record<string, unknown>) => relay.request('put', { kind: 'Node', name: 'n1', expectedResourceVersion: Number(current.metadata.resourceVersion), object: { ...current, spec }, type: 'NodeStatusUpdated' }) as Promise<Status>;
    const forbidden = 'nodes "n1" is forbidden: node "n1" is not allowed to set or change its pod CIDR (spec.podCIDR, spec.podCIDRs): the cluster assigns it';
    expect(await put({ podCIDR: '10.244.200.0/24', podCIDRs: ['10.244.200.0/24'] })).toMatchObject({ code: 403, message: forbidden });
    expect(await put({})).toMatchObject({ code: 403, message: forbidden });
    const fresh = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n9', uid: 'n9' }, spec: { podCIDR: '10.244.200.0/24' }, status: {} };
    expect(await new NodeRelayClient(store.nc, store.subjects, 'n9').request('put', { kind: 'Node', name: 'n9', expectedResourceVersion: 0, object: fresh, type: 'NodeRegistered' })).toMatchObject({ code: 403 });
    expect((await ops.node('n1')).spec).toEqual(before.spec);
  });

  it('frees a deleted node\'s subnet, and the next node gets it', async () => {
    const freed = (await ops.node('n2')).spec!.podCIDR!;
    await ops.remove('n2');
    await eventually(async () => !(freed in (await ops.claims())));
    await ops.create('n4');
    expect((await ops.cidrs(['n4'])).n4).toBe(freed);
  });

  it('after a restart, adopts the claims of live nodes and frees those whose node is gone', async () => {
    await killHard(rec.child);
    const gone = (await ops.node('n3')).spec!.podCIDR!;
    await ops.remove('n3');
    const kv = await new Kvm(store.nc).open(store.subjects.podCIDRBucket);
    await kv.create('10.244.77.0_24', 'ghost');
    const kept = await ops.cidrs(['n1', 'n4']);
    rec = reconcilers(nats.url, cluster);
    await eventually(async () => {
      const c = await ops.claims();
      return !(gone in c) && !('10.244.77.0/24' in c);
    }, 20_000);
    expect(await ops.claims()).toEqual({ [kept.n1!]: 'n1', [kept.n4!]: 'n4' });
    expect(await ops.cidrs(['n1', 'n4'])).toEqual(kept);
    expect([await ops.assignments('n1'), await ops.assignments('n4')]).toEqual([1, 1]);
  });

  it('refuses to start with another --cluster-cidr or --node-cidr-mask-size than the recorded ones, in one line', async () => {
    const cidr = await refusedStart(nats.url, cluster, ['--cluster-cidr', '10.245.0.0/16']);
    expect(cidr).toEqual({ code: 1, stderr: "wharf-reconcilers: --cluster-cidr 10.245.0.0/16 differs from this cluster's pod network 10.244.0.0/16 in /24s (recorded by its first nodeipam reconciler): every wharf-reconcilers must use --cluster-cidr 10.244.0.0/16 --node-cidr-mask-size 24" });
    const mask = await refusedStart(nats.url, cluster, ['--node-cidr-mask-size', '25']);
    expect(mask.code).toBe(1);
    expect(mask.stderr).toMatch(/^wharf-reconcilers: --node-cidr-mask-size 25 differs from this cluster's pod network 10\.244\.0\.0\/16 in \/24s/);
  });

  it('refuses a pod network over this machine\'s networks or the service range, and bad flags, in one line', async () => {
    const lo = await refusedStart(nats.url, 'ipam-lo', ['--cluster-cidr', '127.0.0.0/16']);
    expect(lo.code).toBe(1);
    expect(lo.stderr).toMatch(/^wharf-reconcilers: --cluster-cidr: 127\.0\.0\.0\/16 overlaps this machine's network 127\.0\.0\.0\/8 \(lo 127\.0\.0\.1\/8\); choose a range clear of it$/);
    expect(await refusedStart(nats.url, cluster, ['--cluster-cidr', '10.96.0.0/12'])).toEqual({ code: 1, stderr: "wharf-reconcilers: --cluster-cidr: 10.96.0.0/12 overlaps this cluster's service range 10.96.0.0/16; choose a range clear of it" });
    expect(await refusedStart(nats.url, 'ipam-bad', ['--cluster-cidr', '10.244.0.0/16', '--node-cidr-mask-size', '31'])).toEqual({ code: 1, stderr: 'wharf-reconcilers: --node-cidr-mask-size 31 is too long: at most 30, so that a node has addresses for pods' });
    expect(await refusedStart(nats.url, 'ipam-bad', ['--cluster-cidr', '10.244.0.0'])).toEqual({ code: 1, stderr: 'wharf-reconcilers: --cluster-cidr: "10.244.0.0" is not an IPv4 CIDR (like 10.96.0.0/16)' });
  });
});

describe('node IPAM with reconcilers racing', () => {
  const cluster = 'ipam-race';
  let nats: NatsHandle;
  let api: ApiHandle;
  let store: EventStore;
  const procs: ReturnType<typeof reconcilers>[] = [];
  const managers: Manager[] = [];
  const ops = clusterOps(() => api, () => store);

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster });
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'ipam-race-test' });
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) await killHard(p.child);
    for (const m of managers) await m.stop().catch(() => undefined);
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  const expectDistinct = async (names: string[]) => {
    const got = await ops.cidrs(names, 40_000);
    const subnets = Object.values(got);
    expect(new Set(subnets).size).toBe(names.length);
    for (const s of subnets) expect(s).toMatch(/^10\.244\.\d+\.0\/24$/);
    // A loser's extra claim is freed once its node shows the winner's subnet: exactly one claim per node then.
    const wanted = Object.fromEntries(Object.entries(got).map(([n, s]) => [s, n]));
    await eventually(async () => (expect(await ops.claims()).toEqual(wanted), true), 20_000);
    for (const n of names) expect(await ops.assignments(n)).toBe(1);
  };

  it('two wharf-reconcilers processes sharing the work give 20 nodes created at once 20 distinct subnets', async () => {
    procs.push(reconcilers(nats.url, cluster), reconcilers(nats.url, cluster));
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    await Promise.all(names.map((n) => ops.create(n)));
    await expectDistinct(names);
  });

  it('two instances that both reconcile every node (no sharing) still never hand out one subnet twice', async () => {
    for (const p of procs) await killHard(p.child);
    for (const instance of ['greedy-a', 'greedy-b']) managers.push(await startManager({ natsUrl: nats.url, cluster, controllers: ['nodeipam'], share: false, instance, log: createLogger(instance, process.env.T_LOG ?? 'warn') }));
    const names = Array.from({ length: 20 }, (_, i) => `g${i}`);
    await Promise.all(names.map((n) => ops.create(n)));
    await expectDistinct([...names, ...Array.from({ length: 20 }, (_, i) => `r${i}`)]);
  });
});

describe('node IPAM in a full range', () => {
  const cluster = 'ipam-tiny';
  let nats: NatsHandle;
  let api: ApiHandle;
  let store: EventStore;
  let rec: ReturnType<typeof reconcilers>;
  const ops = clusterOps(() => api, () => store);

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster });
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'ipam-tiny-test' });
    rec = reconcilers(nats.url, cluster, ['--cluster-cidr', '10.244.0.0/23', '--node-cidr-mask-size', '24']);
  }, 60_000);
  afterAll(async () => {
    if (rec) await killHard(rec.child);
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  it('gives two of three nodes a /24 of 10.244.0.0/23, marks the third NoCIDRAvailable with a CIDRNotAvailable Event and makes nothing else', async () => {
    for (const n of ['t1', 't2']) await ops.create(n);
    expect(Object.values(await ops.cidrs(['t1', 't2'])).sort()).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
    await ops.create('t3');
    const marked = await eventually(async () => {
      const n = await ops.node('t3');
      return n.status?.conditions?.find((c) => c.type === 'NetworkUnavailable') ? n : undefined;
    }, 20_000);
    expect(marked.spec?.podCIDR).toBeUndefined();
    expect(marked.spec?.podCIDRs).toBeUndefined();
    expect(marked.status?.conditions?.find((c) => c.type === 'NetworkUnavailable')).toMatchObject({ status: 'True', reason: 'NoCIDRAvailable', message: 'no pod CIDR is free in 10.244.0.0/23 in /24s' });
    expect(await ops.claims()).toEqual({ '10.244.0.0/24': expect.stringMatching(/^t[12]$/), '10.244.1.0/24': expect.stringMatching(/^t[12]$/) });
    const events = (await (await api.fetch('/api/v1/events?fieldSelector=involvedObject.kind%3DNode%2CinvolvedObject.name%3Dt3')).json()) as { items: Event[] };
    expect(events.items.map((e) => [e.type, e.reason, e.message])).toContainEqual(['Normal', 'CIDRNotAvailable', 'Node t3 status is now: CIDRNotAvailable']);
  });

  it('gives the waiting node the subnet a deleted node frees, and clears its mark', async () => {
    const freed = (await ops.node('t1')).spec!.podCIDR!;
    await ops.remove('t1');
    expect((await ops.cidrs(['t3'])).t3).toBe(freed);
    const t3 = await ops.node('t3');
    expect(t3.status?.conditions?.find((c) => c.type === 'NetworkUnavailable')).toBeUndefined();
    expect(await ops.claims()).toEqual({ [freed]: 't3', [(await ops.node('t2')).spec!.podCIDR!]: 't2' });
  });
});
