/**
 * The multi-machine benchmark (issue #16), run by `node bench/join.mjs` through vitest (the
 * simulated-hosts harness is TypeScript). On three simulated hosts (network namespaces with a
 * dockerd each): `wharf init` on h0, then `wharf join` of h1 and h2, timed until the control plane
 * sees each node Ready, repeated with `wharf reset` and `wharf delete node` in between; then an RC
 * spread over the workers, h2 cut off, timed until its pods are Running on h1; then Docker Swarm's
 * join on the same hosts as the peer. Settings come in WHARF_BENCH_JOIN (JSON), results go to the
 * JSON file WHARF_BENCH_OUT (written after each phase); bench/join.mjs prints them.
 */
import { afterAll, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { assertOwnRoute, type Host, type HostNet, startHosts } from '../../test/harness/hosts.js';
import { Admin, joinArgs, machineDirs, type MachineDirs, machineFlags, type Obj, ready, resetOn, running, until, wharfOn } from './cluster.js';
import { type SwarmSample, swarmJoins } from './swarm.js';

interface Settings {
  repeats: number;
  replicas: number;
  grace: string;
  eviction: string;
  swarm: boolean;
}
const settings: Settings = { repeats: 3, replicas: 4, grace: '10s', eviction: '20s', swarm: true, ...(JSON.parse(process.env.WHARF_BENCH_JOIN ?? '{}') as Partial<Settings>) };
const result: {
  settings: Settings;
  initMs?: number;
  joins: { rep: number; host: string; readyMs: number; exitMs: number }[];
  cut?: { host: string; podsOnHost: number; notReadyMs: number; replacementsCreatedMs: number; replacedMs: number };
  swarm?: SwarmSample[];
  swarmError?: string;
  error?: string;
} = { settings, joins: [] };
const save = () => process.env.WHARF_BENCH_OUT && writeFileSync(process.env.WHARF_BENCH_OUT, JSON.stringify(result, null, 2));

let net: HostNet | undefined;
const dirs = new Map<string, MachineDirs>();
let admin: Admin | undefined;
let adminConfig: string | undefined;

afterAll(async () => {
  await admin?.close();
  for (const h of net?.hosts ?? []) {
    await h.heal().catch(() => undefined);
    if (dirs.has(h.name)) await resetOn(h, dirs.get(h.name)!);
  }
  for (const d of [...dirs.values(), ...(adminConfig ? [{ config: adminConfig }] : [])]) rmSync(dirname(d.config), { recursive: true, force: true });
  await net?.stop();
}, 300_000);

/** Time from `wharf join` on `h` to the control plane seeing its node Ready, and to the command's exit. */
async function timeJoin(h: Host, args: string[], rep: number): Promise<void> {
  const t0 = performance.now();
  let exitAt: number | undefined;
  let failed: Error | undefined;
  const cmd = wharfOn(h, ['join', ...args, ...machineFlags(h, dirs.get(h.name)!)]).then(
    () => (exitAt = performance.now()),
    (e: Error) => (failed = e),
  );
  const readyAt = await until(`node ${h.name} Ready`, 180_000, 50, async () => {
    if (failed) throw failed;
    return ready((await admin!.node(h.name))?.status?.conditions) ? performance.now() : undefined;
  });
  await cmd;
  if (failed) throw failed;
  result.joins.push({ rep, host: h.name, readyMs: readyAt - t0, exitMs: exitAt! - t0 });
  save();
}

/** Undoes a join: `wharf reset` on the machine, `wharf delete node` (by the API) on the control plane. */
async function unjoin(h: Host): Promise<void> {
  const old = dirs.get(h.name)!;
  await resetOn(h, old);
  rmSync(dirname(old.config), { recursive: true, force: true });
  dirs.set(h.name, machineDirs(h));
  const r = await admin!.call('DELETE', `/api/v1/nodes/${h.name}`);
  if (r.status >= 300 && r.status !== 404) throw new Error(`deleting node ${h.name}: ${r.status}`);
  await until(`node ${h.name} gone`, 30_000, 100, async () => ((await admin!.node(h.name)) ? undefined : true));
}

/** Cuts `victim` off with `replicas` pods of an RC spread over it and `other`; times detection, eviction and replacement. */
async function timeCut(victim: Host, other: Host): Promise<void> {
  const rc = parse(readFileSync(join(import.meta.dirname, '../../examples/microservice1-rc.yaml'), 'utf8')) as { spec: { replicas: number } };
  rc.spec.replicas = settings.replicas;
  const made = await admin!.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc);
  if (made.status !== 201) throw new Error(`creating the RC: ${made.status} ${JSON.stringify(made.body)}`);
  const pods = () => admin!.pods('name', 'microservice1');
  const before = await until(`${settings.replicas} pods Running`, 180_000, 250, async () => {
    const p = (await pods()).filter(running);
    return p.length === settings.replicas ? p : undefined;
  });
  const onVictim = before.filter((p) => p.spec?.nodeName === victim.name).length;
  if (onVictim === 0 || onVictim === settings.replicas) throw new Error(`the RC's pods are not spread over ${victim.name} and ${other.name}: ${onVictim} of ${settings.replicas} on ${victim.name}`);
  const elsewhere = (ps: Obj[]) => ps.filter((p) => p.spec?.nodeName !== victim.name && !p.metadata.deletionTimestamp);
  const t0 = performance.now();
  await victim.cut();
  let notReadyMs: number | undefined;
  let createdMs: number | undefined;
  const floorMs = (seconds(settings.grace) + seconds(settings.eviction)) * 1000;
  const replacedMs = await until('the replacement pods Running', floorMs + 180_000, 100, async () => {
    const now = performance.now() - t0;
    if (notReadyMs === undefined && !ready((await admin!.node(victim.name))?.status?.conditions)) notReadyMs = now;
    const ps = await pods();
    if (createdMs === undefined && elsewhere(ps).length > settings.replicas - onVictim) createdMs = now;
    return elsewhere(ps).filter(running).length === settings.replicas ? now : undefined;
  });
  result.cut = { host: victim.name, podsOnHost: onVictim, notReadyMs: notReadyMs ?? NaN, replacementsCreatedMs: createdMs ?? NaN, replacedMs };
  save();
  await victim.heal();
}

/** Seconds of a duration like 10s, 500ms or 1m. */
function seconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 'ms' | 's' | 'm'];
}

it('join, cut-off and the Swarm peer on three simulated hosts', async () => {
  try {
    net = await startHosts(3);
    const [h0, h1, h2] = net.hosts as [Host, Host, Host];
    for (const h of net.hosts) {
      await assertOwnRoute(h.address, net.bridge);
      dirs.set(h.name, machineDirs(h));
    }
    adminConfig = join(mkdtempSync(join(tmpdir(), 'wharf-bench-admin-')), 'config');
    const t0 = performance.now();
    const out = await wharfOn(h0, ['init', ...machineFlags(h0, dirs.get('h0')!), '--config', adminConfig, '--node-monitor-grace-period', settings.grace, '--pod-eviction-timeout', settings.eviction]);
    result.initMs = performance.now() - t0;
    admin = new Admin(adminConfig);
    const args = joinArgs(out);
    for (let rep = 1; rep <= settings.repeats; rep++) {
      for (const h of [h1, h2]) await timeJoin(h, args, rep);
      if (rep < settings.repeats) for (const h of [h1, h2]) await unjoin(h);
    }
    await timeCut(h2, h1);
    if (settings.swarm) {
      // The same hosts' engines; Wharf's pods stay where they are (Swarm does not touch them).
      const pool = net.subnet.replace(/^10\.213\.(\d+)\.0\/24$/, '10.216.$1.0/24');
      result.swarm = await swarmJoins(h0, [h1, h2], settings.repeats, pool).catch((e: Error) => ((result.swarmError = e.message), undefined));
      save();
    }
  } catch (e) {
    result.error = (e as Error).message;
    save();
    throw e;
  }
}, 40 * 60_000);
