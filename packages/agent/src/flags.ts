/** wharf-agent's command line: flags, durations and lists, parsed into an AgentConfig. */
import { formatIpv4Cidr, ipv4ToNumber, type Taint } from '@wharf/model';
import { type FlagSpec, type NatsAuth, natsAuthOf, parseFlags, shutdownTimeoutMs, UsageError } from '@wharf/store';
import type { BackoffSettings } from './backoff.js';
import { cidrWithin, parseCidr } from './network/plan.js';

/** The agent's flags (plus core's --nats and --cluster). */
export const AGENT_FLAGS: Record<string, FlagSpec> = {
  node: { description: 'this node\'s name', env: 'WHARF_NODE', required: true },
  address: { description: 'the address the node advertises (its InternalIP: other nodes route this node\'s pods via it); declared host ports are published on it', env: 'WHARF_NODE_ADDRESS', required: true },
  labels: { description: 'extra node labels, k=v,k2=v2', default: '' },
  taints: { description: 'node taints at registration, key=value:Effect,...', default: '' },
  'heartbeat-interval': { description: 'how often to heartbeat', default: '2s' },
  'max-pods': { description: 'pods capacity of the node', default: '110' },
  'docker-socket': { description: 'the Docker engine socket', default: '/var/run/docker.sock', env: 'DOCKER_SOCKET' },
  'state-dir': { description: 'per-node state (emptyDir volumes); default /var/lib/wharf/agent/<node>' },
  'pause-image': { description: 'image of the infra container that owns each pod\'s network', default: 'wharf.local/busybox:1' },
  'backoff-base': { description: 'first restart back-off (CrashLoopBackOff, ImagePullBackOff)', default: '10s' },
  'backoff-cap': { description: 'longest restart back-off', default: '300s' },
  'backoff-reset': { description: 'a container that ran this long restarts with the first back-off again', default: '10m' },
  'resync-interval': { description: 'how often to look at every container even without events', default: '2s' },
  runtime: { description: 'container runtime: docker, or fake (hollow node: in-memory, runs nothing; for benchmarks and scale tests only)', default: 'docker' },
  'log-max-bytes': { description: 'size of the cluster\'s log stream; the oldest lines go first', default: String(1024 ** 3) },
  'cluster-cidr': { description: 'the cluster CIDR every node\'s pod CIDR lies in; pod traffic inside it is neither masqueraded nor dropped', default: '10.244.0.0/16' },
  'pod-cidr': { description: 'this node\'s pod CIDR (standalone mode); default: the Node\'s spec.podCIDR, which the nodeipam reconciler assigns' },
  'cluster-dns': { description: 'the cluster DNS address written into pods\' resolv.conf', default: '10.96.0.10' },
  'cluster-domain': { description: 'the cluster DNS domain (pods\' search list)', default: 'cluster.local' },
};

/** The agent's settings. */
export interface AgentConfig {
  natsUrl: string;
  /** NATS credentials and TLS (--nats-creds, --nats-ca, --nats-cert, --nats-key). */
  natsAuth: NatsAuth;
  cluster: string;
  node: string;
  address: string;
  labels: Record<string, string>;
  taints: Taint[];
  heartbeatMs: number;
  maxPods: number;
  dockerSocket: string;
  stateDir: string;
  pauseImage: string;
  backoff: BackoffSettings;
  resyncMs: number;
  logMaxBytes: number;
  /** 'docker', or 'fake' for hollow nodes (benchmarks and scale tests only). */
  runtime: 'docker' | 'fake';
  /** How long a graceful stop may take before the process exits 1. */
  shutdownTimeoutMs: number;
  /** The cluster CIDR, canonical. */
  clusterCidr: string;
  /** This node's pod CIDR from --pod-cidr (canonical), if given. */
  podCidr?: string;
  clusterDns: string;
  clusterDomain: string;
}

/** Parses "500ms", "2s", "1.5m", "1h" (a bare number is seconds) into milliseconds. */
export function parseDuration(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${flag}: "${v}" is not a duration such as 500ms, 10s or 5m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** Parses "k=v,k2=v2". */
export function parseLabels(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UsageError(`--labels: "${part}" is not key=value`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** Parses "key=value:Effect,key:Effect". */
export function parseTaints(v: string): Taint[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(part);
      if (!m) throw new UsageError(`--taints: "${part}" is not key=value:Effect (Effect is NoSchedule, PreferNoSchedule or NoExecute)`);
      return { key: m[1]!, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] as Taint['effect'] };
    });
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag}: "${v}" is not a positive integer`);
  return n;
}

function runtimeName(v: string): 'docker' | 'fake' {
  if (v !== 'docker' && v !== 'fake') throw new UsageError(`--runtime: "${v}" is not docker or fake`);
  return v;
}

/** Parses a CIDR flag into its canonical form. */
function cidrFlag(flag: string, v: string): string {
  try {
    return formatIpv4Cidr(parseCidr(`--${flag}`, v));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The network flags: the cluster CIDR, the pod CIDR inside it (if given), the DNS address and domain. */
function networkFlags(f: Record<string, string>): Pick<AgentConfig, 'clusterCidr' | 'podCidr' | 'clusterDns' | 'clusterDomain'> {
  const clusterCidr = cidrFlag('cluster-cidr', f['cluster-cidr']!);
  const podCidr = f['pod-cidr'] ? cidrFlag('pod-cidr', f['pod-cidr']) : undefined;
  if (podCidr && !cidrWithin(parseCidr('--pod-cidr', podCidr), parseCidr('--cluster-cidr', clusterCidr))) throw new UsageError(`--pod-cidr: ${podCidr} is not inside the cluster CIDR ${clusterCidr} (--cluster-cidr)`);
  const clusterDns = f['cluster-dns']!;
  if (ipv4ToNumber(clusterDns) === undefined) throw new UsageError(`--cluster-dns: "${clusterDns}" is not an IPv4 address`);
  const clusterDomain = f['cluster-domain']!.replace(/\.$/, '');
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i.test(clusterDomain)) throw new UsageError(`--cluster-domain: "${f['cluster-domain']}" is not a DNS domain`);
  return { clusterCidr, ...(podCidr ? { podCidr } : {}), clusterDns, clusterDomain };
}

/** Parses argv into the agent's settings; prints help and exits on --help. */
export function agentConfig(argv = process.argv.slice(2)): AgentConfig {
  const f = parseFlags('wharf-agent', 'wharf-agent: the node agent (kubelet) of a Wharf cluster', AGENT_FLAGS, argv) as Record<string, string>;
  const node = f.node!;
  return {
    natsUrl: f.nats!,
    natsAuth: natsAuthOf(f),
    cluster: f.cluster!,
    node,
    address: f.address!,
    labels: parseLabels(f.labels ?? ''),
    taints: parseTaints(f.taints ?? ''),
    heartbeatMs: parseDuration('heartbeat-interval', f['heartbeat-interval']!),
    maxPods: positiveInt('max-pods', f['max-pods']!),
    dockerSocket: f['docker-socket']!,
    stateDir: f['state-dir'] ?? `/var/lib/wharf/agent/${node}`,
    pauseImage: f['pause-image']!,
    backoff: { baseMs: parseDuration('backoff-base', f['backoff-base']!), capMs: parseDuration('backoff-cap', f['backoff-cap']!), resetMs: parseDuration('backoff-reset', f['backoff-reset']!) },
    resyncMs: parseDuration('resync-interval', f['resync-interval']!),
    logMaxBytes: positiveInt('log-max-bytes', f['log-max-bytes']!),
    runtime: runtimeName(f.runtime ?? 'docker'),
    shutdownTimeoutMs: shutdownTimeoutMs(f['shutdown-timeout']),
    ...networkFlags(f),
  };
}
