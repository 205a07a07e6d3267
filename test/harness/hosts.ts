/**
 * Simulated machines for multi-host tests: each host is a network namespace with its own dockerd.
 *
 *   root ns ── bridge wht<id> (10.213.<slot>.1/24) ──┬── veth wht<id>h0 ── netns wht<id>-h0 (.10, dockerd)
 *                                                    ├── veth wht<id>h1 ── netns wht<id>-h1 (.11, dockerd)
 *                                                    └── ...
 *
 * - `startHosts(n)` picks a run id (4 hex digits) and a free slot (a /24 in 10.213.0.0/16 that no
 *   address or route of the machine uses, re-checked once the bridge has it), makes the bridge,
 *   one netns and veth pair per host, and two DOCKER-USER rules tagged `wharf-test-<id>`: accept
 *   bridge to bridge (Docker's FORWARD policy is DROP and br_netfilter sends bridged frames
 *   through it), drop bridge to anything else (nothing a host or its containers send can leave
 *   the machine). Hosts have no default route: they reach each other and the root ns's .1 only.
 * - Each host runs dockerd via `nsenter --net` with everything under /tmp/wht<id>/h<i>, its own
 *   --bip (10.214.x.1/24), address pool (10.215.x.0/24), cgroup parent and `--dns` its own
 *   address. The root engine's `wharf.local/*` images are saved once to a tar and loaded into all.
 * - `Host.spawn/exec` run processes inside the namespace; `cut()`/`heal()` take the root side of
 *   its veth down/up. Send to a host address only after `assertOwnRoute(addr, net.bridge)`.
 * - `stop()` (idempotent) removes containers, kills what `spawn` started (by PID), stops each
 *   dockerd by its pidfile PID, then deletes everything of the run by name (hosts-teardown.ts).
 *   `sweepStaleHosts()` (called by startHosts) does the same for runs whose owning process died
 *   (their dockerds may still run: they are leftovers then).
 *
 * Needs root, iproute2, iptables, util-linux (nsenter) and docker.io; integration tests using it
 * run under `flock /tmp/wharf-docker-e2e.lock`.
 */
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import Docker from 'dockerode';
import { run, type RunResult } from './exec.js';
import { pickSlot, planNet, runDir, usedSlots, type HostPlan, type NetPlan } from './hosts-plan.js';
import { addForwardRules, assertOwnRoute, createBridge, createHostLink, ipListing, requireTools, setLink } from './netns.js';
import { loadImages, removeContainers, saveImages, startDockerd, terminate, testImages } from './host-docker.js';
import { ownerMark, staleRunIds, teardownRun } from './hosts-teardown.js';

export { assertOwnRoute, ForeignRouteError, HostsUnavailableError } from './netns.js';

/** One simulated machine. */
export interface Host {
  /** h0, h1, ... */
  name: string;
  /** Its address on the run's bridge. */
  address: string;
  /** Its network namespace (/var/run/netns/<netns>). */
  netns: string;
  dockerSocket: string;
  /** A client of this host's own dockerd. */
  docker: Docker;
  /** Starts `cmd args` inside the host's network namespace; stop() kills it if it still runs. */
  spawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Runs `cmd args` inside the namespace to completion (never rejects on a non-zero exit). */
  exec(cmd: string, args: string[], opts?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** Disconnects the host from the bridge (root side of its veth down). */
  cut(): Promise<void>;
  /** Reconnects it. */
  heal(): Promise<void>;
}

/** A running set of hosts on one bridge. */
export interface HostNet {
  id: string;
  bridge: string;
  /** The bridge's /24. */
  subnet: string;
  /** The root namespace's address on the bridge. */
  gateway: string;
  hosts: Host[];
  /** Tears everything of the run down; safe to call again (returns the same promise). Rejects listing what it could not remove. */
  stop(): Promise<void>;
}

/** Options of startHosts. */
export interface StartHostsOptions {
  /** Images to load into every host; default: every `wharf.local/*` tag of the root engine. */
  images?: string[];
}

/** The root engine (/var/run/docker.sock), source of the hosts' images. */
const rootDocker = new Docker();

/** Starts `count` simulated hosts, each with a ready dockerd holding the test images; tears down what it made if any step fails. */
export async function startHosts(count: number, opts: StartHostsOptions = {}): Promise<HostNet> {
  await requireTools();
  await sweepStaleHosts();
  const id = claimRunId();
  const spawned = new Set<ChildProcess>();
  let plan: NetPlan | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopRun(id, plan, net.hosts, spawned));
  const net: HostNet = { id, bridge: '', subnet: '', gateway: '', hosts: [], stop };
  try {
    plan = await claimBridge(id, count);
    Object.assign(net, { bridge: plan.bridge, subnet: plan.subnet, gateway: plan.gateway });
    await addForwardRules(plan);
    for (const h of plan.hosts) await createHostLink(plan, h);
    for (const h of plan.hosts) await assertOwnRoute(h.address, plan.bridge);
    const tags = opts.images ?? (await testImages(rootDocker));
    const tar = `${plan.dir}/images.tar`;
    // Settle every start before failing, so stop() never races a dockerd that is still starting.
    const [dockers] = await allSettled([allSettled(plan.hosts.map((h) => startDockerd(h))), tags.length ? saveImages(rootDocker, tags, tar) : undefined]);
    if (tags.length) await allSettled(dockers.map((d) => loadImages(d, tar, tags)));
    net.hosts = plan.hosts.map((h, i) => makeHost(h, dockers[i]!, spawned));
    return net;
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

/** Tears down leftovers of earlier runs whose owning process and dockerds are all dead; returns their ids. */
export async function sweepStaleHosts(): Promise<string[]> {
  const ids = await staleRunIds();
  for (const id of ids) {
    const failures = await teardownRun(id);
    if (failures.length) console.warn(`sweepStaleHosts: run ${id} left ${failures.join('; ')}`);
  }
  return ids;
}

/** A fresh run id whose directory this process now owns (owner.pid marks the run alive for sweeps). */
function claimRunId(): string {
  for (;;) {
    const id = randomBytes(2).toString('hex');
    try {
      mkdirSync(runDir(id), { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    writeFileSync(`${runDir(id)}/owner.pid`, ownerMark());
    return id;
  }
}

/** Makes the run's bridge in a slot no one else uses, retrying when a parallel run took the same slot. */
async function claimBridge(id: string, count: number): Promise<NetPlan> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const slot = pickSlot(usedSlots(await ipListing()), Math.random);
    if (slot === undefined) break;
    const plan = planNet(id, slot, count);
    if (await createBridge(plan)) return plan;
  }
  throw new Error('no free 10.213.x.0/24 slot for a test bridge (too many runs, or leftovers: see sweepStaleHosts)');
}

function makeHost(h: HostPlan, docker: Docker, spawned: Set<ChildProcess>): Host {
  const ns = [`--net=/var/run/netns/${h.netns}`, '--'];
  return {
    name: h.name,
    address: h.address,
    netns: h.netns,
    dockerSocket: h.dockerSocket,
    docker,
    spawn(cmd, args, opts = {}) {
      const child = spawnChild('nsenter', [...ns, cmd, ...args], opts);
      spawned.add(child);
      child.once('exit', () => spawned.delete(child));
      return child;
    },
    exec: (cmd, args, opts = {}) => run('nsenter', [...ns, cmd, ...args], opts),
    cut: () => setLink(h.vethRoot, false),
    heal: () => setLink(h.vethRoot, true),
  };
}

async function stopRun(id: string, plan: NetPlan | undefined, hosts: Host[], spawned: Set<ChildProcess>): Promise<void> {
  const failures: string[] = [];
  // Containers first, while each dockerd is still there to remove them (a wedged one is given 15 s).
  await Promise.all(
    hosts.map((h) =>
      Promise.race([removeContainers(h.docker), new Promise((r) => setTimeout(r, 15_000).unref())]).catch((e: Error) => failures.push(`containers of ${h.name}: ${e.message}`)),
    ),
  );
  // teardownRun stops the dockerds by pidfile before it kills what is left in the namespaces;
  // spawned processes get a SIGTERM first so they can exit cleanly.
  await Promise.all([...spawned].map((c) => (c.pid && c.exitCode === null && c.signalCode === null ? terminate(c.pid, 3_000) : undefined)));
  failures.push(...(await teardownRun(id)));
  if (failures.length) throw new Error(`stopping simulated hosts ${id}${plan ? ` (${plan.bridge})` : ''} left: ${failures.join('; ')}`);
}

/** Promise.all that waits for every promise to settle, then rejects with the first failure. */
async function allSettled<T extends readonly unknown[]>(ps: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const rs = await Promise.allSettled(ps);
  const failed = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return rs.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
