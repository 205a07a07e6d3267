/**
 * The seed's cluster of machines, simulated: three hosts (network namespaces, a dockerd each).
 * `wharf init` on h0, `wharf join` with the printed command on h1 and h2; the seed's RC and
 * NodePort Service spread over the workers and answer on every host's address; the control-plane
 * taint removed; a host cut off and healed; forgeries with a node's credentials and with none;
 * the join's bad inputs, each a clear one-line error; and the cluster registry (`init --registry`):
 * an image built on h0 and pushed once runs on h1 and h2, which did not have it.
 *
 * All hosts' dockerds read the one /etc/docker/certs.d of this machine, so the join on h1 and h2
 * finds the entry init wrote on h0 already there ("already trusts"), and "a node that does not
 * trust the registry" is simulated by removing that shared entry for a moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, EventStore } from '@wharf/store';
import { assertOwnRoute, type Host, type HostNet, startHosts } from './harness/hosts.js';
import { run } from './harness/exec.js';
import { eventually } from './harness/ports.js';
import { dockerExec, podContainer } from './harness/agent.js';
import { distrustRegistry, DOCKER_CERTS_DIR, trustRegistry } from '../packages/cli/src/lib/registry/index.js';

const WHARF = join(import.meta.dirname, '../packages/cli/bin/wharf.js');
const EXAMPLES = join(import.meta.dirname, '../examples');
let net: HostNet;
let h0: Host, h1: Host, h2: Host;
const dirs = new Map<string, { config: string; data: string }>();
let admin: string;
let joinCommand: string[];
let registry: string;

function machineFlags(h: Host): string[] {
  const d = dirs.get(h.name)!;
  return ['--config-dir', d.config, '--data-dir', d.data, '--docker-socket', h.dockerSocket, '--node-name', h.name, '--advertise-address', h.address];
}

/** `wharf` as the admin, from the root namespace. */
function wharf(...args: string[]) {
  return run(process.execPath, [WHARF, ...args], { env: { WHARF_CONFIG: admin }, timeoutMs: 30_000 });
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await wharf(...args, '-o', 'json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

type PodList = { items: { metadata: { name: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status: { phase?: string; conditions?: { type: string; status: string }[] } }[] };
type NodeList = { items: { metadata: { name: string }; spec: { taints?: { key: string }[] }; status: { conditions?: { type: string; status: string }[] } }[] };
const ready = (c?: { type: string; status: string }[]) => (c ?? []).some((x) => x.type === 'Ready' && x.status === 'True');

async function runningRcPods(): Promise<PodList['items']> {
  const pods = await json<PodList>('get', 'pods', '-l', 'name=microservice1');
  return pods.items.filter((p) => p.status.phase === 'Running' && ready(p.status.conditions));
}

async function answers(address: string, port: number, n: number): Promise<Set<string>> {
  assertOwnRoute(address, net.bridge);
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3000) });
    names.add((await r.text()).trim());
  }
  return names;
}

beforeAll(async () => {
  net = await startHosts(3);
  [h0, h1, h2] = net.hosts as [Host, Host, Host];
  for (const h of net.hosts) {
    const d = mkdtempSync(join(tmpdir(), `wharf-${h.name}-`));
    dirs.set(h.name, { config: join(d, 'etc'), data: join(d, 'var') });
  }
  admin = join(mkdtempSync(join(tmpdir(), 'wharf-admin-')), 'config');
}, 120_000);

afterAll(async () => {
  for (const h of net?.hosts ?? []) {
    const d = dirs.get(h.name)!;
    await h.exec(process.execPath, [WHARF, 'reset', '--config-dir', d.config, '--data-dir', d.data], { timeoutMs: 60_000 });
  }
  await net?.stop();
}, 180_000);

describe('init and join on three machines', () => {
  it('init on h0 brings up a control plane and prints the join command', async () => {
    const r = await h0.exec(process.execPath, [WHARF, 'init', ...machineFlags(h0), '--config', admin, '--node-monitor-grace-period', '6s', '--pod-eviction-timeout', '6s', '--registry'], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[certs]');
    registry = `${h0.address}:5000`;
    expect(r.stdout).toContain(`docker push ${registry}/team/myapp:1`);
    expect(r.stderr).toContain(`[registry] this machine's Docker engine trusts ${registry}`);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('wharf join'))!;
    expect(line).toMatch(/wharf join --token [a-z0-9]{6}\.[a-z0-9]{16} \S+:6443 --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}/);
    joinCommand = line.trim().split(/\s+/).slice(2);
    // Secrets are root-only files, and the CA key is not in NATS.
    const pki = join(dirs.get('h0')!.config, 'pki');
    expect((await run('stat', ['-c', '%a', join(pki, 'ca.key')])).stdout.trim()).toBe('600');
  }, 180_000);

  it('join on h1 and h2 with the printed command; every node Ready, h0 tainted', async () => {
    for (const h of [h1, h2]) {
      const r = await h.exec(process.execPath, [WHARF, 'join', ...joinCommand, ...machineFlags(h)], { timeoutMs: 150_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('matches the pin');
      expect(r.stdout).toContain(`joined the cluster as ${h.name}`);
      expect(r.stderr).toContain(`trusts the cluster registry ${registry}`);
    }
    const nodes = await json<NodeList>('get', 'nodes');
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(['h0', 'h1', 'h2']);
    expect(nodes.items.every((n) => ready(n.status.conditions))).toBe(true);
    expect(nodes.items.find((n) => n.metadata.name === 'h0')!.spec.taints?.map((t) => t.key)).toContain('node-role.kubernetes.io/control-plane');
  }, 320_000);

  it('an image built on h0 and pushed once to the cluster registry runs on h1 and h2, which did not have it', async () => {
    // Built on h0's engine alone: busybox plus a file of this run's own, committed under the registry's name.
    const proof = `proof-${randomBytes(6).toString('hex')}`;
    const image = `${registry}/e2e/app:1`;
    const build = await h0.docker.createContainer({ Image: 'wharf.local/busybox:1', Cmd: ['sh', '-c', `echo ${proof} > /proof`] });
    await build.start();
    expect((await build.wait()).StatusCode).toBe(0);
    await build.commit({ repo: `${registry}/e2e/app`, tag: '1', changes: ['CMD ["/bin/sh"]'] });
    await build.remove();
    const pushed = await new Promise<{ error?: string }[]>((resolve, reject) => {
      // The engine wants an X-Registry-Auth header on push even when the registry asks for no credentials.
      h0.docker.getImage(image).push({ authconfig: {} }, (err, stream) => (err ? reject(err) : h0.docker.modem.followProgress(stream!, (e, out) => (e ? reject(e) : resolve(out)))));
    });
    expect(pushed.filter((e) => e.error)).toEqual([]);
    for (const h of [h1, h2]) await expect(h.docker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // A node whose engine does not trust the registry: ErrImagePull with Docker's x509 error.
    const entry = readFileSync(join(DOCKER_CERTS_DIR, registry, 'ca.crt'), 'utf8');
    distrustRegistry(registry);
    try {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'untrusted' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'h1' }, containers: [{ name: 'c', image, command: ['sh', '-c', 'sleep 1'] }] } };
      const created = await run(process.execPath, [WHARF, 'create', '-f', '-'], { env: { WHARF_CONFIG: admin }, input: JSON.stringify(pod) });
      expect(created.code, created.stderr).toBe(0);
      type Waiting = { status: { containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] } };
      const waiting = await eventually(async () => {
        const w = (await json<Waiting>('get', 'pod', 'untrusted')).status.containerStatuses?.[0]?.state?.waiting;
        return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff' ? w : undefined;
      }, 60_000, 300);
      expect(waiting.message).toMatch(/x509: certificate signed by unknown authority/);
      expect((await wharf('delete', 'pod', 'untrusted')).code).toBe(0);
      await eventually(async () => (await wharf('get', 'pod', 'untrusted')).code !== 0, 30_000, 300);
    } finally {
      trustRegistry(registry, entry);
    }
    await expect(h1.docker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // Trusted again (as join made it): an RC whose pods need one node each (a host port) runs on both workers.
    const rc = {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'from-registry' },
      spec: { replicas: 2, selector: { app: 'from-registry' }, template: { metadata: { labels: { app: 'from-registry' } }, spec: { containers: [{ name: 'c', image, command: ['sh', '-c', "cat /proof; trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"], ports: [{ containerPort: 8000, hostPort: 18000 }] }] } } },
    };
    const created = await run(process.execPath, [WHARF, 'create', '-f', '-'], { env: { WHARF_CONFIG: admin }, input: JSON.stringify(rc) });
    expect(created.code, created.stderr).toBe(0);
    const pods = await eventually(async () => {
      const p = (await json<PodList>('get', 'pods', '-l', 'app=from-registry')).items.filter((x) => x.status.phase === 'Running');
      return p.length === 2 ? p : undefined;
    }, 90_000, 500);
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['h1', 'h2']);
    // Each worker's engine now holds exactly the image h0 pushed (the digest the registry gave it).
    const digest = (await h0.docker.getImage(image).inspect()).RepoDigests.find((d) => d.startsWith(`${registry}/e2e/app@sha256:`));
    expect(digest).toBeDefined();
    for (const h of [h1, h2]) {
      const got = await h.docker.getImage(image).inspect();
      expect(got.RepoTags).toContain(image);
      expect(got.RepoDigests).toContain(digest);
      // And the pod's container there runs it: it printed the file only that image has.
      const pod = pods.find((p) => p.spec.nodeName === h.name)!;
      const [c] = await h.docker.listContainers({ filters: { label: [`wharf.pod=${pod.metadata.name}`] } });
      const out = await eventually(async () => {
        const text = (await h.docker.getContainer(c!.Id).logs({ stdout: true, follow: false })).toString();
        return text.includes(proof) ? text : undefined;
      }, 10_000, 200);
      expect(out).toContain(proof);
    }
    expect((await wharf('delete', 'rc', 'from-registry')).code).toBe(0);
    await eventually(async () => (await json<PodList>('get', 'pods', '-l', 'app=from-registry')).items.length === 0, 60_000, 500);
  }, 240_000);

  it('runs the seed\'s RC on the workers only, and its NodePort answers round robin on every host', async () => {
    for (const f of ['microservice1-rc.yaml', 'microservice1-svc.yaml']) expect((await wharf('create', '-f', join(EXAMPLES, f))).code).toBe(0);
    const pods = await eventually(async () => {
      const p = await runningRcPods();
      return p.length === 5 ? p : undefined;
    }, 90_000, 500);
    const where = new Set(pods.map((p) => p.spec.nodeName));
    expect(where.has('h0')).toBe(false);
    expect([...where].sort()).toEqual(['h1', 'h2']);
    const svc = await json<{ spec: { ports: { nodePort: number }[] } }>('get', 'svc', 'microservice1');
    const port = svc.spec.ports[0]!.nodePort;
    for (const h of net.hosts) {
      const names = await eventually(async () => {
        const n = await answers(h.address, port, 15).catch(() => new Set<string>());
        return n.size === 5 ? n : undefined;
      }, 30_000, 500);
      expect(names.size).toBe(5);
    }
  }, 180_000);

  it('with the taint removed, pods may land on h0 too', async () => {
    const r = await wharf('taint', 'nodes', 'h0', 'node-role.kubernetes.io/control-plane:NoSchedule-');
    expect(r.code, r.stderr).toBe(0);
    expect((await wharf('scale', 'rc', 'microservice1', '--replicas', '9')).code).toBe(0);
    const pods = await eventually(async () => {
      const p = await runningRcPods();
      return p.length === 9 ? p : undefined;
    }, 90_000, 500);
    expect(pods.some((p) => p.spec.nodeName === 'h0')).toBe(true);
    expect((await wharf('scale', 'rc', 'microservice1', '--replicas', '5')).code).toBe(0);
    await eventually(async () => (await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items.length === 5, 60_000, 500);
  }, 200_000);

  it('a pod on h1 reaches every replica on every host by pod IP, and by the Service name round robin', async () => {
    const client = `apiVersion: v1
kind: Pod
metadata: {name: netclient}
spec:
  nodeName: h1
  terminationGracePeriodSeconds: 1
  containers:
  - {name: client, image: wharf.local/netclient:1, command: [sleep, '3600']}
`;
    const r = await run(process.execPath, [WHARF, 'create', '-f', '-'], { env: { WHARF_CONFIG: admin }, input: client });
    expect(r.code, r.stderr).toBe(0);
    const uid = await eventually(async () => {
      const p = await json<{ metadata: { uid: string }; status: { phase?: string } }>('get', 'pod', 'netclient');
      return p.status.phase === 'Running' ? p.metadata.uid : undefined;
    }, 60_000, 500);
    const id = await podContainer(h1.docker, uid, 'client');
    // The pod CIDRs from node IPAM, one per host, each routed by the others via its address.
    const nodes = await json<{ items: { metadata: { name: string }; spec: { podCIDR?: string } }[] }>('get', 'nodes');
    const cidrs = new Map(nodes.items.map((n) => [n.metadata.name, n.spec.podCIDR]));
    expect(new Set(cidrs.values()).size).toBe(3);
    const routes = (await h1.exec('ip', ['-4', 'route', 'show', 'proto', '213'])).stdout;
    expect(routes).toContain(`${cidrs.get('h0')} via ${h0.address}`);
    expect(routes).toContain(`${cidrs.get('h2')} via ${h2.address}`);
    const pods = (await runningRcPods()) as (PodList['items'][0] & { status: { podIP?: string } })[];
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBeGreaterThan(1);
    for (const p of pods) {
      const out = await dockerExec(h1.docker, id, ['curl', '-sf', '-m', '5', `http://${p.status.podIP}:3000/`]);
      expect(out.output.trim(), `${p.metadata.name} on ${p.spec.nodeName} at ${p.status.podIP}`).toBe(p.metadata.name);
    }
    const byName = await dockerExec(h1.docker, id, ['sh', '-c', 'for i in $(seq 1 20); do curl -sf -m 5 http://microservice1:3000/ || echo FAIL; echo; done'], 60_000);
    const seen = byName.output.split('\n').map((l) => l.trim()).filter(Boolean);
    expect(seen).not.toContain('FAIL');
    expect([...new Set(seen)].sort()).toEqual(pods.map((p) => p.metadata.name).sort());
  }, 120_000);

  it('a host cut off goes NotReady, its pods are replaced; healed, the old ones are cleaned up', async () => {
    const before = (await runningRcPods()).filter((p) => p.spec.nodeName === 'h2').length;
    expect(before).toBeGreaterThan(0);
    await h2.cut();
    await eventually(async () => !ready((await json<NodeList['items'][0]>('get', 'node', 'h2')).status.conditions), 60_000, 500);
    await eventually(async () => {
      const p = await runningRcPods();
      return p.length === 5 && p.every((x) => x.spec.nodeName !== 'h2');
    }, 120_000, 1000);
    await h2.heal();
    await eventually(async () => ready((await json<NodeList['items'][0]>('get', 'node', 'h2')).status.conditions), 60_000, 500);
    // Never two sets: h2's engine ends with no container of a pod that was replaced.
    await eventually(async () => {
      const cs = await h2.docker.listContainers({ filters: { label: ['wharf.pod'] } });
      const live = new Set((await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items.map((p) => p.metadata.name));
      return cs.every((c) => live.has(c.Labels['wharf.pod']!));
    }, 60_000, 1000);
    expect((await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items).toHaveLength(5);
  }, 300_000);
});

describe('who may do what', () => {
  const creds = (h: Host, who: string) => {
    const d = dirs.get(h.name)!.config;
    return { credsFile: join(d, `${who}.creds`), caFile: join(d, 'ca.crt'), certFile: join(d, 'node.crt'), keyFile: join(d, 'node.key') };
  };
  const natsUrl = () => `tls://${h0.address}:4222`;

  it('refuses a connection without credentials', async () => {
    assertOwnRoute(h0.address, net.bridge);
    await expect(connectNats(natsUrl(), 'intruder', { caFile: creds(h1, 'agent').caFile })).rejects.toThrow();
  });

  it('refuses a node\'s forgeries: another node\'s pod and Node, its heartbeat, the auth bucket, the log', async () => {
    const store = await EventStore.connect({ natsUrl: natsUrl(), cluster: 'default', name: 'forger h1', auth: creds(h1, 'agent') });
    const enc = new TextEncoder();
    const ask = async (subject: string, body: unknown) => new TextDecoder().decode((await store.nc.request(subject, enc.encode(JSON.stringify(body)), { timeout: 5000 })).data);
    try {
      const pod = (await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items.find((p) => p.spec.nodeName !== 'h1')!;
      const full = await json<Record<string, unknown> & { metadata: { resourceVersion: string } }>('get', 'pod', pod.metadata.name);
      // Through its own relay subject, about a pod bound to another node: Forbidden.
      expect(await ask('wharf.default.node.h1.get', { kind: 'Pod', namespace: 'default', name: pod.metadata.name })).toMatch(/"code":\s*403/);
      const forged = { ...full, status: { phase: 'Failed' } };
      expect(await ask('wharf.default.node.h1.put', { kind: 'Pod', namespace: 'default', name: pod.metadata.name, expectedResourceVersion: Number(full.metadata.resourceVersion), object: forged, type: 'PodStatusUpdated' })).toMatch(/"code":\s*403/);
      // Another node's Node: Forbidden.
      const h0node = await json<Record<string, unknown> & { metadata: { resourceVersion: string } }>('get', 'node', 'h0');
      expect(await ask('wharf.default.node.h1.put', { kind: 'Node', name: 'h0', expectedResourceVersion: Number(h0node.metadata.resourceVersion), object: { ...h0node, status: {} }, type: 'NodeStatusUpdated' })).toMatch(/"code":\s*403/);
      // As h0 (another node's subject): the server does not even deliver it.
      await expect(store.nc.request('wharf.default.node.h0.get', enc.encode('{}'), { timeout: 2000 })).rejects.toThrow();
      // Another node's heartbeat key, and the auth bucket: refused.
      await expect(store.nc.request(`$JS.API.DIRECT.GET.KV_${store.subjects.authBucket}.$KV.${store.subjects.authBucket}.bootstrap`, enc.encode(''), { timeout: 2000 })).rejects.toThrow();
      await expect(store.js.publish(`$KV.${store.subjects.heartbeatBucket}.h0`, '{}', { timeout: 2000 })).rejects.toThrow();
      // The log itself: not writable.
      await expect(store.js.publish(`${store.subjects.prefix}.obj.pod.default.forged`, '{}', { timeout: 2000 })).rejects.toThrow();
      const after = await json<{ metadata: { resourceVersion: string }; status: { phase: string } }>('get', 'pod', pod.metadata.name);
      expect(after.status.phase).not.toBe('Failed');
    } finally {
      await store.close();
    }
  });

  it('revokes a deleted node: its credentials stop working, and the others drop their route to its pods', async () => {
    const cidr = (await json<{ spec: { podCIDR?: string } }>('get', 'node', 'h2')).spec.podCIDR!;
    expect((await h1.exec('ip', ['-4', 'route', 'show', 'proto', '213'])).stdout).toContain(`${cidr} via ${h2.address}`);
    const r = await wharf('delete', 'node', 'h2');
    expect(r.code, r.stderr).toBe(0);
    await expect(connectNats(natsUrl(), 'revoked h2', creds(h2, 'agent'))).rejects.toThrow(/refused|authoriz/i);
    await eventually(async () => !(await h1.exec('ip', ['-4', 'route', 'show', 'proto', '213'])).stdout.includes(cidr), 30_000, 500);
  });
});

describe('bad joins: a clear one-line error each, and nothing joins', () => {
  const tryJoin = (h: Host, args: string[]) => h.exec(process.execPath, [WHARF, 'join', ...args, '--config-dir', join(dirs.get(h.name)!.config, 'x'), '--data-dir', join(dirs.get(h.name)!.data, 'x'), '--docker-socket', h.dockerSocket, '--advertise-address', h.address], { timeoutMs: 60_000 });
  const oneLine = (s: string) => s.trim().split('\n').filter((l) => l.startsWith('error') || l.startsWith('Error')).length === 1;

  it('a wrong token', async () => {
    const args = [...joinCommand];
    args[1] = 'aaaaaa.bbbbbbbbbbbbbbbb';
    const r = await tryJoin(h1, [...args, '--node-name', 'newcomer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refused the token/);
    expect(oneLine(r.stderr)).toBe(true);
  }, 90_000);

  it('an expired token, and a deleted one', async () => {
    const made = await wharf('token', 'create', '--ttl', '1s', '--description', 'expires at once');
    expect(made.code, made.stderr).toBe(0);
    const expired = made.stdout.trim();
    await new Promise((r) => setTimeout(r, 2000));
    const args = [...joinCommand];
    args[1] = expired;
    const r = await tryJoin(h1, [...args, '--node-name', 'newcomer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refused the token: .*expired/);
    const other = (await wharf('token', 'create')).stdout.trim();
    expect((await wharf('token', 'delete', other.split('.')[0]!)).code).toBe(0);
    args[1] = other;
    const d = await tryJoin(h1, [...args, '--node-name', 'newcomer']);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/refused the token: .*not valid/);
  }, 90_000);

  it('a wrong CA pin', async () => {
    const args = [...joinCommand];
    args[args.length - 1] = `sha256:${'0'.repeat(64)}`;
    const r = await tryJoin(h1, [...args, '--node-name', 'newcomer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not the pinned/);
  }, 90_000);

  it('a name taken by a live node', async () => {
    const r = await tryJoin(h2, [...joinCommand, '--node-name', 'h1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already a member of the cluster and Ready/);
  }, 90_000);

  it('an unreachable address', async () => {
    const args = [...joinCommand];
    args[2] = `${h0.address}:1`;
    const r = await tryJoin(h1, [...args, '--node-name', 'newcomer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot reach/);
    const nodes = await json<NodeList>('get', 'nodes');
    expect(nodes.items.map((n) => n.metadata.name)).not.toContain('newcomer');
  }, 90_000);
});

describe('reset', () => {
  it('on h0 stops the registry and removes the certs.d entry init wrote', async () => {
    const d = dirs.get('h0')!;
    const r = await h0.exec(process.execPath, [WHARF, 'reset', '--config-dir', d.config, '--data-dir', d.data], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[reset] stopped wharf-registry');
    expect(r.stderr).toContain(`[reset] removed ${join(DOCKER_CERTS_DIR, registry)}`);
    expect(existsSync(join(DOCKER_CERTS_DIR, registry))).toBe(false);
  }, 90_000);
});
