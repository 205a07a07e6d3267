/**
 * Runs wharf-agent as a real child process for tests, and writes pods the way the API and the
 * scheduler's reconciler will: PodCreated, PodBound, then the node feed. An agent writes through
 * the node relay that wharf-api serves: tests without an API serve it in-process (startRelay).
 *
 * Nothing assigns pod CIDRs in most tests (no nodeipam reconciler runs), so each agent gets
 * `--pod-cidr 10.244.<k>.0/24` of its own (standalone mode): k counts up in this process and
 * skips any /24 of 10.244.0.0/16 the machine already routes (a leftover bridge). Several agents
 * share one Docker engine, each with its own bridge; the clean-up removes the cluster's pod
 * networks (Docker networks by label, their iptables chains and jumps) with the containers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { type KObject, mustKind, type Pod, type PodSpec } from '@wharf/model';
import { startNodeRelay } from '@wharf/api';
import { removePodNetwork } from '@wharf/agent';
import { createLogger, type EventStore, type NodeFeed, Objects, type ServedRelay } from '@wharf/store';

const PodKind = mustKind('Pod');
const BIN = join(import.meta.dirname, '../../packages/agent/bin/wharf-agent.js');

/** A spawned agent and its captured stderr. */
export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal). */
  exited: Promise<number | string>;
  /** The agent's --state-dir; a restart with the same node name passes it again. */
  stateDir: string;
  /** The --pod-cidr it was given, if any; a restart passes it again. */
  podCidr?: string;
}

/** Options of spawnAgent. */
export interface SpawnAgentOptions {
  /** The agent's --state-dir (a restart passes the old one); default a new directory. */
  stateDir?: string;
  /** --pod-cidr: a CIDR, false for none (the agent waits for its Node's podCIDR), default the next free 10.244.<k>.0/24. */
  podCidr?: string | false;
}

let nextPodSubnet = 1;

/** The next 10.244.<k>.0/24 that this process has not handed out and the machine does not route. */
export function nextPodCidr(): string {
  const routes = execFileSync('ip', ['-4', 'route'], { encoding: 'utf8' });
  for (; nextPodSubnet < 255; nextPodSubnet++) {
    const cidr = `10.244.${nextPodSubnet}.0/24`;
    if (!routes.includes(`10.244.${nextPodSubnet}.`)) {
      nextPodSubnet++;
      return cidr;
    }
  }
  throw new Error('no free /24 left in 10.244.0.0/16 for a test agent (leftover bridges? see `ip route`)');
}

/**
 * Spawns `wharf-agent` with short heartbeats and back-off and a pod CIDR of its own (see
 * SpawnAgentOptions); extra flags override.
 */
export function spawnAgent(natsUrl: string, cluster: string, node: string, extra: string[] = [], opts: SpawnAgentOptions | string = {}): AgentProcess {
  const o = typeof opts === 'string' ? { stateDir: opts } : opts;
  const stateDir = o.stateDir ?? mkdtempSync(join(tmpdir(), `wharf-agent-${node}-`));
  const podCidr = o.podCidr === false || extra.includes('--pod-cidr') ? undefined : (o.podCidr ?? nextPodCidr());
  const args = [BIN, '--nats', natsUrl, '--cluster', cluster, '--node', node, '--address', '127.0.0.1', '--heartbeat-interval', '500ms', '--backoff-base', '1s', '--backoff-cap', '8s', '--resync-interval', '500ms', '--state-dir', stateDir, ...(podCidr ? ['--pod-cidr', podCidr] : []), ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'info' } });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((r) => child.once('exit', (code, sig) => r(code ?? sig ?? -1)));
  return { child, output: () => out, exited, stateDir, ...(podCidr ? { podCidr } : {}) };
}

/**
 * Checks that `ip` (a pod IP) routes to a bridge of Wharf's (`wharf<hash>`) on this machine
 * before a test sends to it; returns that device. Throws when it would go anywhere else.
 */
export function assertPodRoute(ip: string): string {
  const out = execFileSync('ip', ['-4', '-o', 'route', 'get', ip], { encoding: 'utf8' });
  const dev = / dev (\S+)/.exec(out)?.[1];
  if (!dev?.startsWith('wharf') || / via /.test(out)) throw new Error(`${ip} does not route to a pod bridge of this machine: ${out.trim()}`);
  return dev;
}

/** Serves the node relay of `store`'s cluster in this process (as every wharf-api does), for agents spawned without an API. */
export function startRelay(store: EventStore): ServedRelay {
  return startNodeRelay(store, createLogger('test-relay', process.env.WHARF_LOG_LEVEL ?? 'warn'));
}

/** Creates a pod in the log, binds it to `node` and puts it on the node's feed; returns it as bound. */
export async function createBoundPod(store: EventStore, feed: NodeFeed, node: string, name: string, spec: PodSpec, ns = 'default'): Promise<Pod> {
  const uid = `${name}-${Math.random().toString(36).slice(2, 10)}`;
  const actor = { actor: 'test' };
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, uid, creationTimestamp: new Date().toISOString() }, spec, status: { phase: 'Pending' } };
  const objects = new Objects(store);
  await objects.create(PodKind, pod as KObject, actor);
  const bound = await objects.change<Pod & KObject>(PodKind, ns, name, (cur) => ({ object: { ...cur!, spec: { ...cur!.spec, nodeName: node } }, type: 'PodBound' }), actor);
  await feed.put(node, bound!);
  return bound!;
}

/** Asks for the pod's deletion as the API does (deletionTimestamp, PodDeletionRequested) and feeds it. */
export async function requestDeletion(store: EventStore, feed: NodeFeed, node: string, ns: string, name: string, graceSeconds?: number): Promise<void> {
  const p = await new Objects(store).change<Pod & KObject>(
    PodKind,
    ns,
    name,
    (cur) => ({ object: { ...cur!, metadata: { ...cur!.metadata, deletionTimestamp: new Date().toISOString(), ...(graceSeconds !== undefined ? { deletionGracePeriodSeconds: graceSeconds } : {}) } }, type: 'PodDeletionRequested' }),
    { actor: 'test' },
  );
  await feed.put(node, p!);
}

/** Containers of one test cluster (optionally one pod uid). */
export async function clusterContainers(docker: Docker, cluster: string, podUid?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`wharf.cluster=${cluster}`, ...(podUid ? [`wharf.pod-uid=${podUid}`] : [])];
  return docker.listContainers({ all: true, filters: { label } });
}

/**
 * Removes every container and volume labelled with the test cluster, then its pod networks: each
 * Docker network labelled with the cluster, with the iptables chains and jumps of its node.
 */
export async function removeClusterContainers(docker: Docker, cluster: string): Promise<void> {
  for (const c of await clusterContainers(docker, cluster)) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters: { label: [`wharf.cluster=${cluster}`] } });
  for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  await removeClusterNetworks(docker, cluster);
}

/** Removes the pod network of every node of the test cluster that has one on this engine (routes are left: single-machine tests make none). */
export async function removeClusterNetworks(docker: Docker, cluster: string): Promise<void> {
  const nets = await docker.listNetworks({ filters: { label: [`wharf.cluster=${cluster}`] } });
  const nodes = new Set(nets.map((n) => n.Labels?.['wharf.node']).filter((n): n is string => !!n));
  for (const node of nodes) await removePodNetwork({ cluster, node, clusterCidr: null, dockerSocket: (docker.modem as { socketPath?: string }).socketPath ?? '/var/run/docker.sock' });
}

/** Runs `cmd` inside a container (as `docker exec`) and returns its exit code and output (stdout and stderr, as a terminal shows them). */
export async function dockerExec(docker: Docker, containerId: string, cmd: string[], timeoutMs = 10_000): Promise<{ code: number; output: string }> {
  const e = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await e.start({ hijack: true, stdin: false, Tty: true });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (stream.destroy(), reject(new Error(`${cmd.join(' ')} timed out after ${timeoutMs} ms`))), timeoutMs);
    stream.on('data', (d: Buffer) => (output += d.toString('utf8')));
    stream.on('error', () => undefined);
    stream.on('end', () => (clearTimeout(timer), resolve()));
    stream.on('close', () => (clearTimeout(timer), resolve()));
  });
  for (let i = 0; ; i++) {
    const info = await e.inspect();
    if ((!info.Running && info.ExitCode !== null) || i >= 50) return { code: info.ExitCode ?? -1, output: output.replace(/\r\n/g, '\n') };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The running container of a pod's container `container` (by pod uid). */
export async function podContainer(docker: Docker, podUid: string, container: string): Promise<string> {
  const [c] = await docker.listContainers({ filters: { label: [`wharf.pod-uid=${podUid}`, `wharf.container=${container}`], status: ['running'] } });
  if (!c) throw new Error(`no running container ${container} of pod ${podUid}`);
  return c.Id;
}
