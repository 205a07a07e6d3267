/**
 * Three control-plane hosts on an R3 NATS cluster, simulated: five hosts (network namespaces, a
 * dockerd each). `wharf init --control-plane-endpoint` on h0, `wharf join --control-plane` with the
 * printed command on h1 and h2 (the third moves every stream to 3 replicas and retires h0's
 * bootstrap NATS server), workers on h3 and h4 that run the seed's RC. Then, under a steady create
 * load from a client that retries over every listed API server (harness/haload.ts), and an RC
 * scale: everything on h0 is killed with SIGKILL: no acknowledged create is lost or answered 409,
 * the survivors' reconcilers take over the keys h0's held, the pods keep running; `wharf start`
 * on h0 brings it back and it catches up. Then h0 is cut off: the majority accepts writes, h0's
 * API refuses them with 503 and serves reads with a stale warning; healed, every API server
 * serves the same state and `replay --verify` passes on each. Last, a rolling restart of the
 * three control-plane hosts under the load: no create fails. Stalls and catch-up times are
 * printed, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerOf } from '@wharf/reconcilers';
import { readServers } from '@wharf/store';
import { assertOwnRoute, type Host, type HostNet, startHosts } from './harness/hosts.js';
import { run } from './harness/exec.js';
import { eventually } from './harness/ports.js';
import { caughtUp, clusterStatus as statusOn, curlFrom, type HostDirs, killAll, logsOf as logsIn, makeDirs, WHARF } from './harness/cplane.js';
import { type CreateRecord, type Load, type LoadTarget, longestGap, remoteApi, startLoad } from './harness/haload.js';

const EXAMPLES = join(import.meta.dirname, '../examples');
let net: HostNet;
let h0: Host, h1: Host, h2: Host, h3: Host, h4: Host;
let dirs: Map<string, HostDirs>;
let admin: string;
let kubeHome: string;
let joinCommand: string[];
let cpJoinCommand: string[];

const machineFlags = (h: Host): string[] => {
  const d = dirs.get(h.name)!;
  return ['--config-dir', d.config, '--data-dir', d.data, '--docker-socket', h.dockerSocket, '--node-name', h.name, '--advertise-address', h.address];
};
const hostDirs = (h: Host): string[] => ['--config-dir', dirs.get(h.name)!.config, '--data-dir', dirs.get(h.name)!.data];
const clusterStatus = (h: Host) => statusOn(h, dirs.get(h.name)!);
const logsOf = (h: Host) => logsIn(h, dirs.get(h.name)!);
const apiUrl = (h: Host) => `https://${h.address}:6443`;

/** The --nats flag a host saved for one of its daemons (what `wharf start` runs it with). */
function savedNats(h: Host, service: string): string {
  const saved = JSON.parse(readFileSync(join(dirs.get(h.name)!.data, 'run', `${service}.json`), 'utf8')) as { args: string[] };
  return saved.args[saved.args.indexOf('--nats') + 1]!;
}

/** The messages of a daemon's JSON log from `since` on, each with its offset (for a report). */
function logSince(file: string, since: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      const e = JSON.parse(l) as { time: number; msg: string; err?: { message?: string } };
      return e.time >= since ? [`  +${((e.time - since) / 1000).toFixed(2)} s ${e.msg}${e.err?.message ? `: ${e.err.message}` : ''}`] : [];
    } catch {
      return [];
    }
  }).slice(0, 20).join('\n');
}

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

/** The admin's token and the cluster CA (PEM), from the admin's config. */
function adminCredentials(): { token: string; ca: string } {
  const cfg = JSON.parse(readFileSync(admin, 'utf8')) as { token: string; certificateAuthority: string };
  const ca = cfg.certificateAuthority.includes('-----BEGIN') ? cfg.certificateAuthority : readFileSync(cfg.certificateAuthority, 'utf8');
  return { token: cfg.token, ca };
}

/** The create load: pods no node can take (the scheduler records each as Unschedulable, so its reconcilers act on every one, and no container starts). */
const LOAD_LABEL = 'load=cp';
const loadPod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { load: 'cp' } }, spec: { nodeSelector: { 'wharf.test/nowhere': 'true' }, containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } });

/** Starts the create load over the three control-plane API servers. */
function startCreateLoad(prefix: string): Load {
  const { token, ca } = adminCredentials();
  const targets: LoadTarget[] = [h0, h1, h2].map((h) => remoteApi(apiUrl(h), token, ca));
  return startLoad(targets, prefix, { clients: 2, body: loadPod, path: '/api/v1/namespaces/default/pods', attemptTimeoutMs: 5000, budgetMs: 120_000, pauseMs: 400 });
}

/** Every attempt's result other than 201, counted, for the report. */
function attemptCauses(records: CreateRecord[]): string {
  const causes = new Map<string, number>();
  for (const r of records) for (const a of r.attempts) if (a.result !== 201) causes.set(String(a.result), (causes.get(String(a.result)) ?? 0) + 1);
  return [...causes].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
}

/** Every acknowledged create of `records` exists, with the uid its answer gave, on each of `hosts`' API servers. */
async function expectAllAcknowledged(records: CreateRecord[], hosts: Host[]): Promise<void> {
  const acked = new Map(records.filter((r) => r.status === 201).map((r) => [r.name, r.body!.metadata!.uid!]));
  for (const h of hosts) {
    const list = await eventually(async () => {
      const l = await json<{ items: { metadata: { name: string; uid: string } }[] }>('get', 'pods', '-l', LOAD_LABEL, '--server', apiUrl(h)).catch(() => undefined);
      return l && [...acked.keys()].every((n) => l.items.some((p) => p.metadata.name === n)) ? l : undefined;
    }, 120_000, 2000).catch(() => undefined);
    const seen = new Map((list?.items ?? []).map((p) => [p.metadata.name, p.metadata.uid]));
    expect([...acked].filter(([n, uid]) => seen.get(n) !== uid).map(([n]) => `${n} on ${h.name}`)).toEqual([]);
  }
}
type PodList = { items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[] };
const runningPods = async () => (await json<PodList>('get', 'pods', '-l', 'name=microservice1')).items.filter((p) => p.status.phase === 'Running');
const running = async (): Promise<string[]> => (await runningPods()).map((p) => p.metadata.name).sort();

beforeAll(async () => {
  net = await startHosts(5);
  [h0, h1, h2, h3, h4] = net.hosts as [Host, Host, Host, Host, Host];
  dirs = makeDirs(net.hosts);
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

  it('a worker joins on h3 while h0 is the only control-plane host: its saved flags name h0\'s NATS server only', async () => {
    const r = await h3.exec(process.execPath, [WHARF, 'join', ...joinCommand, ...machineFlags(h3)], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(savedNats(h3, 'wharf-agent')).toBe(`tls://${h0.address}:4222`);
  }, 180_000);

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

  it('a worker joins on h4, told every NATS server; h3\'s agent learned them; the admin\'s configs name every API server', async () => {
    const joinStarted = Date.now();
    const r = await h4.exec(process.execPath, [WHARF, 'join', ...joinCommand, ...machineFlags(h4)], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(savedNats(h4, 'wharf-agent').split(',').sort()).toEqual([h0, h1, h2].map((h) => `tls://${h.address}:4222`).sort());
    const learned = join(dirs.get('h3')!.data, 'run', 'agent.nats-servers.json');
    const asked = Date.now();
    await eventually(() => (readServers(learned).length === 3 ? true : undefined), 30_000, 500);
    console.log(`h3's agent listed the three NATS servers ${((Date.now() - asked) / 1000).toFixed(1)} s after h4's join; h4's join took ${((asked - joinStarted) / 1000).toFixed(1)} s`);
    // h4 joined once the control plane had grown (streams at R3, the seed gone): it was never
    // called unreachable. (Before, every node's heartbeat watch had lost its consumer there and
    // each went Unknown for about 50 s.) h3 may have been, briefly: its heartbeats can stall in a
    // leader election of the bucket for longer than this cluster's 6 s grace period.
    const hist = await wharf('history', 'node/h4');
    expect(hist.code, hist.stderr).toBe(0);
    expect(hist.stdout.split('\n').filter((l) => l.includes('NodeReadinessChanged')), hist.stdout).toEqual([]);
    expect(readServers(learned).sort()).toEqual([h0, h1, h2].map((h) => `${h.address}:4222`).sort());
    const e = await wharf('cluster', 'endpoints', '--write');
    expect(e.code, e.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(admin, 'utf8')) as { servers: string[] };
    expect(cfg.servers.sort()).toEqual([h0, h1, h2].map((h) => `https://${h.address}:6443`).sort());
    const contexts = await kubectl('config', 'get-contexts', '-o', 'name');
    expect(contexts.stdout.split('\n').filter(Boolean).sort()).toEqual(['wharf-default', ...[h0, h1, h2].map((h) => `wharf-default-${h.address}`)].sort());
  }, 300_000);

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
  let killRecords: CreateRecord[] = [];

  it('runs the seed\'s RC on the two workers', async () => {
    for (const f of ['microservice1-rc.yaml', 'microservice1-svc.yaml']) expect((await wharf('create', '-f', join(EXAMPLES, f))).code).toBe(0);
    const pods = await eventually(async () => {
      const p = await runningPods();
      return p.length === 5 ? p : undefined;
    }, 120_000, 1000);
    before = pods.map((p) => p.metadata.name).sort();
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set([h3.name, h4.name]));
  }, 150_000);

  it('kill -9 of everything on h0 under a create load and an RC scale: no acknowledged create lost or answered 409, the survivors\' reconcilers take over h0\'s keys, the pods keep running', async () => {
    const members = (await clusterStatus(h1)).reconcilers.map((r) => r.instance);
    expect(members).toHaveLength(3);
    const load = startCreateLoad('kill');
    await new Promise((r) => setTimeout(r, 5000));
    expect(killAll(dirs.get('h0')!).length).toBeGreaterThanOrEqual(5);
    const killed = Date.now();
    // Reads through the listed servers (h0 refuses connections now).
    const pods = await eventually(async () => (await wharf('get', 'pods', '-o', 'name')).code === 0 || undefined, 60_000, 1000);
    expect(pods).toBe(true);
    const k = await kubectl('--context', `wharf-default-${h1.address}`, 'get', 'pods', '-l', 'name=microservice1', '-o', 'name');
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout.split('\n').filter(Boolean)).toHaveLength(5);
    // The RC scale lands once JetStream has elected leaders among the survivors (scale is idempotent).
    await eventually(async () => (await wharf('scale', 'rc', 'microservice1', '--replicas', '6')).code === 0 || undefined, 90_000, 1000);
    console.log(`first RC scale after the kill of h0 landed ${((Date.now() - killed) / 1000).toFixed(1)} s after it`);
    const after = await eventually(async () => {
      const p = await running();
      return p.length === 6 ? p : undefined;
    }, 120_000, 1000);
    for (const name of before) expect(after).toContain(name);
    // h3 joined when h0 was the only control-plane host; its agent and proxy restart while h0 is
    // down and reach the servers they learned: the node stays Ready, its pods keep running.
    const stopped = await h3.exec(process.execPath, [WHARF, 'reset', '--keep-files', ...hostDirs(h3)], { timeoutMs: 120_000 });
    expect(stopped.code, stopped.stderr).toBe(0);
    const restarted = Date.now();
    const up = await h3.exec(process.execPath, [WHARF, 'start', '--data-dir', dirs.get('h3')!.data], { timeoutMs: 180_000 });
    expect(up.code, `${up.stderr}\n${logsOf(h3)}`).toBe(0);
    const ready = await eventually(async () => {
      const n = await json<{ status: { conditions: { type: string; status: string; lastHeartbeatTime: string }[] } }>('get', 'node', h3.name).catch(() => undefined);
      const c = n?.status.conditions.find((x) => x.type === 'Ready');
      return c?.status === 'True' && Date.parse(c.lastHeartbeatTime) >= restarted - 1000 ? c : undefined;
    }, 90_000, 1000).catch(() => undefined);
    expect(ready, logsOf(h3)).toBeTruthy();
    console.log(`h3's agent, restarted while h0 was down, heartbeat ${((Date.parse(ready!.lastHeartbeatTime) - restarted) / 1000).toFixed(1)} s after wharf start; its log since:\n${logSince(join(dirs.get('h3')!.data, 'run', 'logs', 'wharf-agent.log'), restarted)}`);
    expect(await running()).toEqual(after);
    // Reconcilers: h0's member lease runs out; the survivors are the members.
    const status = await eventually(async () => {
      const x = await clusterStatus(h1);
      const off = x.streams.filter((st) => !/wharf-h[12]/.test(st.leader ?? '')).map((st) => `${st.stream} led by ${st.leader ?? 'nobody'}`);
      if (Object.keys(x.errors).length || x.reconcilers.length !== 2 || off.length) {
        // Thrown, so that a timeout says what was still missing.
        throw new Error(`errors ${JSON.stringify(x.errors)}; reconcilers ${x.reconcilers.map((r) => r.instance).join(', ')}; streams ${off.join(', ') || 'all led by h1 or h2'}`);
      }
      return x;
    }, 90_000, 1000);
    expect(status.streams.length).toBeGreaterThanOrEqual(8);
    const survivors = status.reconcilers.map((r) => r.instance);
    const gone = members.filter((m) => !survivors.includes(m));
    expect(gone).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 10_000));
    const records = await load.stop();
    const ended = Date.now();

    const gap = longestGap(records, killed - 5000, ended);
    console.log(`kill of h0: ${records.length} creates; longest time with no create acknowledged: ${gap.ms} ms, from ${gap.since - killed} ms after the kill; attempts other than 201: ${attemptCauses(records)}`);
    // None answered 409 for its own object (nor any other failure), and every acknowledged one is there.
    expect(records.filter((r) => r.attempts.some((a) => a.result === 409))).toEqual([]);
    expect(records.filter((r) => r.status !== 201).map((r) => ({ name: r.name, status: r.status, attempts: r.attempts.map((a) => a.result) }))).toEqual([]);
    await expectAllAcknowledged(records, [h1, h2]);
    killRecords = records;
    // Every pod of the load whose key h0's reconcilers owned is reconciled by the survivors: the
    // scheduler marks it Unschedulable (no node matches it).
    const owned = records.filter((r) => ownerOf(members, `Pod/default/${r.name}`) === gone[0]).map((r) => r.name);
    const ownedAfterKill = records.filter((r) => r.startedAt > killed && owned.includes(r.name)).length;
    console.log(`h0's reconcilers owned ${owned.length} of the load's pods (${ownedAfterKill} created after the kill)`);
    expect(ownedAfterKill).toBeGreaterThan(0);
    type LoadPods = { items: { metadata: { name: string }; status: { conditions?: { type: string; reason?: string }[] } }[] };
    const unhandled = await eventually(async () => {
      const l = await json<LoadPods>('get', 'pods', '-l', LOAD_LABEL, '--server', apiUrl(h1));
      const done = new Set(l.items.filter((p) => p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).map((p) => p.metadata.name));
      const left = owned.filter((n) => !done.has(n));
      return left.length ? undefined : left;
    }, 120_000, 2000).catch(() => 'some pods h0 owned were never scheduled');
    expect(unhandled).toEqual([]);
  }, 600_000);

  it('wharf start on h0: it comes back and catches up', async () => {
    const started = Date.now();
    const r = await h0.exec(process.execPath, [WHARF, 'start', '--data-dir', dirs.get('h0')!.data], { timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('wharf-nats-seed');
    const s = await eventually(async () => {
      const x = await clusterStatus(h0).catch(() => undefined);
      return caughtUp(x) ? x : undefined;
    }, 180_000, 2000);
    console.log(`h0 caught up ${((Date.now() - started) / 1000).toFixed(1)} s after wharf start`);
    expect(s.apiServers.every((a) => a.ready)).toBe(true);
    // h0's own API serves what the survivors serve (the write made while it was down included).
    const want = await eventually(async () => {
      const x = await wharf('get', 'rc', 'microservice1', '-o', 'json', '--server', apiUrl(h1));
      return x.code === 0 ? (JSON.parse(x.stdout) as { spec: { replicas: number } }).spec.replicas : undefined;
    }, 60_000, 1000);
    const rc = await eventually(async () => {
      const x = await wharf('get', 'rc', 'microservice1', '-o', 'json', '--server', apiUrl(h0));
      const v = x.code === 0 ? (JSON.parse(x.stdout) as { spec: { replicas: number } }) : undefined;
      return v?.spec.replicas === want ? v : undefined;
    }, 60_000, 1000);
    expect(rc.spec.replicas).toBe(want);
    // Every create acknowledged while h0 was down is on h0 too.
    await expectAllAcknowledged(killRecords, [h0]);
  }, 900_000);
});

/** One API server's list of a collection (e.g. /api/v1/pods): the list's resourceVersion and every item's, by namespace/name. */
async function listing(h: Host, path: string): Promise<{ rv: string; items: Record<string, string> }> {
  const { token, ca } = adminCredentials();
  const res = await remoteApi(apiUrl(h), token, ca).fetch(path);
  if (res.status !== 200) throw new Error(`${h.name} ${path}: ${res.status}`);
  const l = (await res.json()) as { metadata: { resourceVersion: string }; items: { metadata: { namespace?: string; name: string; resourceVersion: string } }[] };
  return { rv: l.metadata.resourceVersion, items: Object.fromEntries(l.items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion])) };
}

describe('a partition of h0', () => {
  it('the majority accepts writes; h0\'s API refuses them with 503 and serves reads marked stale; healed, every API server serves the same state and replay --verify passes on each', async () => {
    const { token } = adminCredentials();
    const ca = join(dirs.get('h0')!.config, 'ca.crt');
    const rcUrl = `${apiUrl(h0)}/api/v1/namespaces/default/replicationcontrollers/microservice1`;
    await h0.cut();
    try {
      await eventually(async () => (await wharf('scale', 'rc', 'microservice1', '--replicas', '7', '--server', apiUrl(h1))).code === 0 || undefined, 90_000, 1000);
      await eventually(async () => (await running()).length === 7 || undefined, 120_000, 1000);
      // On h0's side: its API cannot append (its NATS server has no quorum): 503, a Status, Retry-After.
      // Each rides out the store's outage budget (15 s, an election's worth) first: sent together.
      const writes = await Promise.all([
        curlFrom(h0, ca, token, 'PATCH', rcUrl, { type: 'application/merge-patch+json', json: { spec: { replicas: 2 } } }),
        curlFrom(h0, ca, token, 'POST', `${apiUrl(h0)}/api/v1/namespaces/default/pods`, { type: 'application/json', json: loadPod('minority-1') }),
        curlFrom(h0, ca, token, 'DELETE', `${apiUrl(h0)}/api/v1/namespaces/default/pods/kill-0`),
      ]);
      for (const w of writes) {
        console.log(`h0's API during the partition, a write: ${w.status} ${w.body.trim()} (Retry-After: ${w.headers['retry-after']})`);
        expect(w.status).toBe(503);
        expect(JSON.parse(w.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503 });
        expect(Number(w.headers['retry-after'])).toBeGreaterThan(0);
      }
      // Reads are served from h0's state, with a warning that they may be stale.
      const read = await eventually(async () => {
        const x = await curlFrom(h0, ca, token, 'GET', rcUrl);
        return x.headers.warning ? x : undefined;
      }, 120_000, 1000);
      console.log(`h0's API during the partition, a read: ${read.status}, Warning: ${read.headers.warning}`);
      expect(read.status).toBe(200);
      expect(read.headers.warning).toMatch(/^299 - "the answer may be stale: this API server cannot reach a majority of the control plane; .*"$/);
      expect((JSON.parse(read.body) as { spec: { replicas: number } }).spec.replicas).toBe(6);
    } finally {
      await h0.heal();
    }
    assertOwnRoute(h0.address, net.bridge);
    await eventually(async () => (await running()).length === 7 || undefined, 120_000, 1000);
    // Every API server serves the same state: the same items at the same resourceVersions.
    const same = await eventually(async () => {
      const views = await Promise.all([h0, h1, h2].map(async (h) => Object.fromEntries(await Promise.all(['pods', 'replicationcontrollers', 'services', 'endpoints', 'nodes'].map(async (r) => [r, await listing(h, `/api/v1/${r}`)] as const)))).map((p) => p.catch(() => undefined)));
      const [a, ...rest] = views;
      return a && rest.every((v) => JSON.stringify(v) === JSON.stringify(a)) ? a : undefined;
    }, 120_000, 2000);
    expect(same.replicationcontrollers!.items['default/microservice1']).toBeTruthy();
    console.log(`after healing, the three API servers serve the same ${Object.entries(same).map(([r, l]) => `${Object.keys(l.items).length} ${r}`).join(', ')} at resourceVersion ${same.pods!.rv}`);
    for (const h of [h0, h1, h2]) {
      const v = await wharf('replay', '--verify', '--server', apiUrl(h));
      expect(v.code, `${h.name}: ${v.stdout}${v.stderr}`).toBe(0);
      console.log(`replay --verify on ${h.name}: ${v.stdout.trim().split('\n').at(-1)}`);
    }
  }, 600_000);
});

describe('a rolling restart of the control plane', () => {
  it('restarts h0, h1 and h2 one at a time under the create load: no create fails after the client\'s retries', async () => {
    const load = startCreateLoad('roll');
    const started = Date.now();
    let records: CreateRecord[] = [];
    try {
      for (const h of [h0, h1, h2]) {
        const down = await h.exec(process.execPath, [WHARF, 'reset', '--keep-files', ...hostDirs(h)], { timeoutMs: 120_000 });
        expect(down.code, down.stderr).toBe(0);
        const t = Date.now();
        const up = await h.exec(process.execPath, [WHARF, 'start', '--data-dir', dirs.get(h.name)!.data], { timeoutMs: 600_000 });
        expect(up.code, `${up.stderr}\n${logsOf(h)}`).toBe(0);
        let last: unknown;
        await eventually(async () => {
          const x = await clusterStatus(h).catch((e: Error) => e.message);
          last = x;
          return typeof x !== 'string' && caughtUp(x) && x.apiServers.every((a) => a.ready) ? x : undefined;
        }, 240_000, 2000).catch((e: Error) => {
          throw new Error(`${h.name} did not catch up after wharf start: ${e.message}\nits last cluster status: ${JSON.stringify(last, null, 1)}\n${logsOf(h)}`);
        });
        console.log(`rolling restart: ${h.name} caught up ${((Date.now() - t) / 1000).toFixed(1)} s after wharf start`);
      }
    } finally {
      records = await load.stop();
    }
    const gap = longestGap(records, started, Date.now());
    console.log(`rolling restart: ${records.length} creates; longest time with no create acknowledged: ${gap.ms} ms; attempts other than 201: ${attemptCauses(records)}`);
    expect(records.filter((r) => r.status !== 201).map((r) => ({ name: r.name, status: r.status, attempts: r.attempts.map((a) => a.result) }))).toEqual([]);
    await expectAllAcknowledged(records, [h0, h1, h2]);
    expect(await running()).toHaveLength(7);
  }, 1_500_000);
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
