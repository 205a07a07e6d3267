/**
 * Three control-plane hosts on an R3 NATS cluster, simulated: four hosts (network namespaces, a
 * dockerd each). `wharf init --control-plane-endpoint` on h0, `wharf join --control-plane` with the
 * printed command on h1 and h2 (the third moves every stream to 3 replicas and retires h0's
 * bootstrap NATS server), a worker on h3. Then everything on h0 is killed with SIGKILL: wharf (with
 * its listed servers) and kubectl (with another context) keep working, writes continue on the
 * survivors, the pods keep running; `wharf start` on h0 brings it back and it catches up. Then h0
 * is cut off: the majority accepts writes, h0's API refuses them; healed, h0 serves the new state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOwnRoute, type Host, type HostNet, startHosts } from './harness/hosts.js';
import { run } from './harness/exec.js';
import { eventually } from './harness/ports.js';

const WHARF = join(import.meta.dirname, '../packages/cli/bin/wharf.js');
const EXAMPLES = join(import.meta.dirname, '../examples');
let net: HostNet;
let h0: Host, h1: Host, h2: Host, h3: Host;
const dirs = new Map<string, { config: string; data: string }>();
let admin: string;
let kubeHome: string;
let joinCommand: string[];
let cpJoinCommand: string[];

const machineFlags = (h: Host): string[] => {
  const d = dirs.get(h.name)!;
  return ['--config-dir', d.config, '--data-dir', d.data, '--docker-socket', h.dockerSocket, '--node-name', h.name, '--advertise-address', h.address];
};
const hostDirs = (h: Host): string[] => ['--config-dir', dirs.get(h.name)!.config, '--data-dir', dirs.get(h.name)!.data];

/** `wharf` as the admin, from the root namespace (the config lists every API server once endpoints --write ran). */
function wharf(...args: string[]) {
  return run(process.execPath, [WHARF, ...args], { env: { WHARF_CONFIG: admin }, timeoutMs: 60_000 });
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await wharf(...args, '-o', 'json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

function kubectl(...args: string[]) {
  return run('kubectl', args, { env: { KUBECONFIG: join(admin, '..', 'kubeconfig'), HOME: kubeHome, PATH: process.env.PATH }, timeoutMs: 60_000 });
}

type Status = {
  meta?: { leader?: string; clusterSize: number; peers: { name: string; current: boolean; offline: boolean }[] };
  streams: { stream: string; replicas: number; leader?: string; followers: { name: string; current: boolean; offline: boolean }[] }[];
  apiServers: { url: string; ready: boolean }[];
  reconcilers: { instance: string }[];
  errors: Record<string, string>;
};

async function clusterStatus(h: Host): Promise<Status> {
  const r = await h.exec(process.execPath, [WHARF, 'cluster', 'status', '-o', 'json', ...hostDirs(h)], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Status;
}

type PodList = { items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[] };
const running = async (): Promise<string[]> => (await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items.filter((p) => p.status.phase === 'Running').map((p) => p.metadata.name).sort();

/** The last lines of every daemon log of a host, for a failure's message. */
function logsOf(h: Host): string {
  const dir = join(dirs.get(h.name)!.data, 'run', 'logs');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).map((f) => `== ${h.name} ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');
}

/** SIGKILL to every daemon init or join started on a host (their pid files), as a machine that dies. */
function killAll(h: Host): number[] {
  const runDir = join(dirs.get(h.name)!.data, 'run');
  const pids = readdirSync(runDir).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(runDir, f), 'utf8').trim()));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}

beforeAll(async () => {
  net = await startHosts(4);
  [h0, h1, h2, h3] = net.hosts as [Host, Host, Host, Host];
  for (const h of net.hosts) {
    const d = mkdtempSync(join(tmpdir(), `wharf-cp-${h.name}-`));
    dirs.set(h.name, { config: join(d, 'etc'), data: join(d, 'var') });
  }
  admin = join(mkdtempSync(join(tmpdir(), 'wharf-cp-admin-')), 'config');
  kubeHome = mkdtempSync(join(tmpdir(), 'wharf-cp-kube-'));
}, 180_000);

afterAll(async () => {
  for (const h of [...(net?.hosts ?? [])].reverse()) await h.exec(process.execPath, [WHARF, 'reset', ...hostDirs(h)], { timeoutMs: 90_000 });
  await net?.stop();
}, 300_000);

describe('three control-plane hosts', () => {
  it('init on h0 with --control-plane-endpoint prints a worker join and a control-plane join', async () => {
    const r = await h0.exec(process.execPath, [WHARF, 'init', ...machineFlags(h0), '--config', admin, '--control-plane-endpoint', `${h0.address}:6443`, '--node-monitor-grace-period', '6s', '--pod-eviction-timeout', '6s'], { timeoutMs: 400_000 });
    expect(r.code, `${r.stderr}\n${logsOf(h0)}`).toBe(0);
    expect(r.stderr).toContain('bootstrap NATS server');
    const lines = r.stdout.split('\n').map((l) => l.trim());
    joinCommand = lines.find((l) => l.startsWith('wharf join --token'))!.split(/\s+/).slice(2);
    const cp = lines.find((l) => l.startsWith('wharf join --control-plane'))!;
    expect(cp).toMatch(new RegExp(`--token [a-z0-9]{6}\\.[a-z0-9]{16} ${h0.address.replace(/\./g, '\\.')}:6443 --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} --certificate-key [0-9a-f]{64}$`));
    cpJoinCommand = cp.split(/\s+/).slice(2);
    // The route password and the CA key are root-only files.
    for (const f of ['ca.key', 'nats-route.json']) expect((await run('stat', ['-c', '%a', join(dirs.get('h0')!.config, 'pki', f)])).stdout.trim()).toBe('600');
  }, 420_000);

  it('an ordinary bootstrap token cannot join a control plane, nor a wrong certificate key', async () => {
    const key = cpJoinCommand.indexOf('--certificate-key');
    const worker = [...joinCommand, '--control-plane', '--certificate-key', cpJoinCommand[key + 1]!];
    const d = dirs.get('h1')!;
    const flags = ['--config-dir', join(d.config, 'x'), '--data-dir', join(d.data, 'x'), '--docker-socket', h1.dockerSocket, '--advertise-address', h1.address, '--node-name', 'intruder'];
    const r = await h1.exec(process.execPath, [WHARF, 'join', ...worker, ...flags], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/may not join control-plane hosts: .*may join worker nodes only/);
    const wrong = [...cpJoinCommand];
    wrong[key + 1] = '0'.repeat(64);
    const w = await h1.exec(process.execPath, [WHARF, 'join', ...wrong, ...flags], { timeoutMs: 60_000 });
    expect(w.code).not.toBe(0);
    expect(w.stderr).toMatch(/certificate key does not open/);
    expect(existsSync(join(d.config, 'x', 'pki', 'ca.key'))).toBe(false);
  }, 150_000);

  it('join --control-plane on h1, then h2: the third moves every stream to 3 replicas and says so', async () => {
    const r1 = await h1.exec(process.execPath, [WHARF, 'join', ...cpJoinCommand, ...machineFlags(h1)], { timeoutMs: 240_000 });
    expect(r1.code, `${r1.stderr}\n${logsOf(h1)}`).toBe(0);
    expect(r1.stdout).toContain('control-plane host h1');
    expect(r1.stderr).toContain('keep 1 replica until the third joins');
    const r2 = await h2.exec(process.execPath, [WHARF, 'join', ...cpJoinCommand, ...machineFlags(h2)], { timeoutMs: 400_000 });
    expect(r2.code, `${r2.stderr}\n${logsOf(h2)}`).toBe(0);
    console.log(r2.stderr.split('\n').filter((l) => l.startsWith('[replicas]')).join('\n'));
    expect(r2.stderr).toMatch(/WHARF_DEFAULT_EVENTS: 1 -> 3 replicas/);
    expect(r2.stderr).toMatch(/KV_wharf_DEFAULT_auth: 1 -> 3 replicas/);
    expect(r2.stderr).toContain('every stream has 3 current replicas on the control-plane hosts');
  }, 700_000);

  it('a worker joins on h3; the admin\'s configs name every API server', async () => {
    const r = await h3.exec(process.execPath, [WHARF, 'join', ...joinCommand, ...machineFlags(h3)], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    const e = await wharf('cluster', 'endpoints', '--write');
    expect(e.code, e.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(admin, 'utf8')) as { servers: string[] };
    expect(cfg.servers.sort()).toEqual([h0, h1, h2].map((h) => `https://${h.address}:6443`).sort());
    const contexts = await kubectl('config', 'get-contexts', '-o', 'name');
    expect(contexts.stdout.split('\n').filter(Boolean).sort()).toEqual(['wharf-default', ...[h0, h1, h2].map((h) => `wharf-default-${h.address}`)].sort());
  }, 200_000);

  it('cluster status on h1: three NATS peers, every stream R3 with a leader, three API servers ready, reconcilers on each host', async () => {
    const s = await eventually(async () => {
      const x = await clusterStatus(h1);
      return x.reconcilers.length === 3 && x.apiServers.every((a) => a.ready) ? x : undefined;
    }, 60_000, 1000);
    console.log(JSON.stringify({ meta: s.meta, streams: s.streams.map((x) => `${x.stream} R${x.replicas} leader ${x.leader}`) }, null, 1));
    expect(s.meta?.clusterSize).toBe(3);
    expect([s.meta!.leader, ...s.meta!.peers.map((p) => p.name)].sort()).toEqual(['wharf-h0', 'wharf-h1', 'wharf-h2']);
    expect(s.streams.length).toBeGreaterThanOrEqual(8);
    for (const st of s.streams) {
      expect(st.replicas, st.stream).toBe(3);
      expect(st.leader, st.stream).toBeTruthy();
    }
    expect(s.apiServers).toHaveLength(3);
    const out = await h1.exec(process.execPath, [WHARF, 'cluster', 'status', ...hostDirs(h1)], { timeoutMs: 60_000 });
    expect(out.stdout).toMatch(/meta leader wharf-h\d/);
  }, 120_000);
});

describe('losing a control-plane host', () => {
  let before: string[];

  it('runs the seed\'s RC on the worker', async () => {
    for (const f of ['microservice1-rc.yaml', 'microservice1-svc.yaml']) expect((await wharf('create', '-f', join(EXAMPLES, f))).code).toBe(0);
    before = await eventually(async () => {
      const p = await running();
      return p.length === 5 ? p : undefined;
    }, 120_000, 1000);
  }, 150_000);

  it('kill -9 of everything on h0: wharf and kubectl keep working, writes continue, the pods keep running', async () => {
    expect(killAll(h0).length).toBeGreaterThanOrEqual(5);
    const killed = Date.now();
    // Reads through the listed servers (h0 refuses connections now).
    const pods = await eventually(async () => (await wharf('get', 'pods', '-o', 'name')).code === 0 || undefined, 60_000, 1000);
    expect(pods).toBe(true);
    const k = await kubectl('--context', `wharf-default-${h1.address}`, 'get', 'pods', '-o', 'name');
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout.split('\n').filter(Boolean)).toHaveLength(5);
    // A write lands once JetStream has elected leaders among the survivors (scale is idempotent).
    await eventually(async () => (await wharf('scale', 'rc', 'microservice1', '--replicas', '6')).code === 0 || undefined, 90_000, 1000);
    // Reported, not asserted: how long after the kill the first write landed (the CLI's tries included).
    console.log(`first write after the kill of h0 landed ${((Date.now() - killed) / 1000).toFixed(1)} s after it`);
    const after = await eventually(async () => {
      const p = await running();
      return p.length === 6 ? p : undefined;
    }, 120_000, 1000);
    for (const name of before) expect(after).toContain(name);
    // Every stream has a leader on a survivor.
    const s = await eventually(async () => {
      const x = await clusterStatus(h1).catch(() => undefined);
      return x && !Object.keys(x.errors).length && x.streams.every((st) => /wharf-h[12]/.test(st.leader ?? '')) ? x : undefined;
    }, 60_000, 1000);
    expect(s.streams.length).toBeGreaterThanOrEqual(8);
  }, 300_000);

  it('wharf start on h0: it comes back and catches up', async () => {
    const started = Date.now();
    const r = await h0.exec(process.execPath, [WHARF, 'start', '--data-dir', dirs.get('h0')!.data], { timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    console.log(r.stderr);
    expect(r.stderr).not.toContain('wharf-nats-seed');
    const s = await eventually(async () => {
      const x = await clusterStatus(h0).catch(() => undefined);
      const caughtUp = x?.meta && [...x.meta.peers].every((p) => p.current && !p.offline) && x.streams.every((st) => st.followers.length === 2 && st.followers.every((f) => f.current && !f.offline));
      return caughtUp ? x : undefined;
    }, 180_000, 2000);
    console.log(`h0 caught up ${((Date.now() - started) / 1000).toFixed(1)} s after wharf start`);
    expect(s.apiServers.every((a) => a.ready)).toBe(true);
    // h0's own API serves what the survivors serve (the write made while it was down included).
    const want = await eventually(async () => {
      const x = await wharf('get', 'rc', 'microservice1', '-o', 'json', '--server', `https://${h1.address}:6443`);
      return x.code === 0 ? (JSON.parse(x.stdout) as { spec: { replicas: number } }).spec.replicas : undefined;
    }, 60_000, 1000);
    const rc = await eventually(async () => {
      const x = await run(process.execPath, [WHARF, 'get', 'rc', 'microservice1', '-o', 'json', '--server', `https://${h0.address}:6443`], { env: { WHARF_CONFIG: admin }, timeoutMs: 30_000 });
      const v = x.code === 0 ? (JSON.parse(x.stdout) as { spec: { replicas: number } }) : undefined;
      return v?.spec.replicas === want ? v : undefined;
    }, 60_000, 1000);
    expect(rc.spec.replicas).toBe(want);
  }, 900_000);
});

describe('a partition of h0', () => {
  it('the majority accepts writes, h0\'s API refuses them; healed, h0 serves the new state', async () => {
    const h1Server = ['--server', `https://${h1.address}:6443`];
    await h0.cut();
    try {
      await eventually(async () => (await wharf('scale', 'rc', 'microservice1', '--replicas', '7', ...h1Server)).code === 0 || undefined, 90_000, 1000);
      await eventually(async () => (await running()).length === 7 || undefined, 120_000, 1000);
      // On h0's side: its API cannot append (its NATS server has no quorum).
      const d = dirs.get('h0')!;
      const r = await h0.exec(process.execPath, [WHARF, 'scale', 'rc', 'microservice1', '--replicas', '2', '--server', `https://${h0.address}:6443`, '--certificate-authority', join(d.config, 'ca.crt')], { env: { WHARF_CONFIG: admin }, timeoutMs: 90_000 });
      expect(r.code).not.toBe(0);
      console.log(`h0's API during the partition: ${r.stderr.trim()}`);
    } finally {
      await h0.heal();
    }
    assertOwnRoute(h0.address, net.bridge);
    const rc = await eventually(async () => {
      const x = await run(process.execPath, [WHARF, 'get', 'rc', 'microservice1', '-o', 'json', '--server', `https://${h0.address}:6443`], { env: { WHARF_CONFIG: admin }, timeoutMs: 30_000 });
      const v = x.code === 0 ? (JSON.parse(x.stdout) as { spec: { replicas: number } }) : undefined;
      return v?.spec.replicas === 7 ? v : undefined;
    }, 120_000, 1000);
    expect(rc.spec.replicas).toBe(7);
    expect(await running()).toHaveLength(7);
  }, 400_000);
});

describe('replicas by command, and more control-plane tokens', () => {
  it('wharf cluster replicas 1 moves every stream down, 3 back up', async () => {
    const down = await h1.exec(process.execPath, [WHARF, 'cluster', 'replicas', '1', ...hostDirs(h1)], { timeoutMs: 240_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/WHARF_DEFAULT_EVENTS: 3 -> 1 replicas/);
    expect(down.stdout).toContain('every stream of cluster default has 1 current replica');
    const up = await h1.exec(process.execPath, [WHARF, 'cluster', 'replicas', '3', ...hostDirs(h1)], { timeoutMs: 240_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/WHARF_DEFAULT_EVENTS: 1 -> 3 replicas/);
    const s = await clusterStatus(h1);
    for (const st of s.streams) expect(st.replicas, st.stream).toBe(3);
  }, 600_000);

  it('wharf token create --control-plane prints a control-plane join with a new certificate key', async () => {
    const r = await wharf('token', 'create', '--control-plane', '--ttl', '10m', '--print-join-command');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^wharf join --token [a-z0-9]{6}\.[a-z0-9]{16} \S+:6443 --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} --control-plane --certificate-key [0-9a-f]{64}$/);
    expect(r.stdout).not.toContain(cpJoinCommand[cpJoinCommand.indexOf('--certificate-key') + 1]!);
  }, 60_000);
});
