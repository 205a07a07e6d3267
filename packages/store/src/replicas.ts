/**
 * How many copies a cluster's data has on NATS: every stream of a cluster (the event log, the
 * container log stream, each KV bucket and the snapshot object store) moved to one replica or
 * three through JetStream management (a stream update of `num_replicas`), and what the servers
 * say of their JetStream cluster (the meta group through the system account's JSZ, each stream's
 * leader and replicas through stream info). The pure parts (which streams, what changes) are
 * apart from the requests.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import type { Subjects } from '@wharf/model';

/** True for a stream of `s`'s cluster: WHARF_<C>_*, and the KV_ and OBJ_ streams of its buckets. */
export function isClusterStream(s: Subjects, name: string): boolean {
  const up = s.cluster.toUpperCase().replace(/-/g, '_');
  return name.startsWith(`WHARF_${up}_`) || name.startsWith(`KV_wharf_${up}_`) || name.startsWith(`OBJ_wharf_${up}_`);
}

/** One stream's replication as the servers report it. */
export interface StreamReplicas {
  stream: string;
  replicas: number;
  leader?: string | undefined;
  /** The followers: current or not, how far behind (operations), offline. */
  followers: { name: string; current: boolean; lag: number; offline: boolean }[];
}

/** The replication of one stream info (pure). */
export function streamReplicas(info: StreamInfo): StreamReplicas {
  return {
    stream: info.config.name,
    replicas: info.config.num_replicas,
    leader: info.cluster?.leader,
    followers: (info.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current, lag: r.lag ?? 0, offline: Boolean(r.offline) })),
  };
}

/** True when a stream has `n` replicas, a leader, and every follower is current (pure). */
export function isReplicated(r: StreamReplicas, n: number): boolean {
  return r.replicas === n && Boolean(r.leader) && r.followers.length === n - 1 && r.followers.every((f) => f.current && !f.offline);
}

/** Every stream of the cluster, with its replication, sorted by name. */
export async function clusterStreams(jsm: JetStreamManager, s: Subjects): Promise<StreamReplicas[]> {
  const out: StreamReplicas[] = [];
  for await (const info of jsm.streams.list()) if (isClusterStream(s, info.config.name)) out.push(streamReplicas(info));
  return out.sort((a, b) => a.stream.localeCompare(b.stream));
}

/** A change of one stream's replicas. */
export interface ReplicaChange {
  stream: string;
  from: number;
  to: number;
}

/** Moves every stream of the cluster to `n` replicas; returns what changed (streams already at `n` are left alone). */
export async function setReplicas(jsm: JetStreamManager, s: Subjects, n: 1 | 3): Promise<ReplicaChange[]> {
  const changes: ReplicaChange[] = [];
  for (const r of await clusterStreams(jsm, s)) {
    if (r.replicas === n) continue;
    const info = await jsm.streams.info(r.stream);
    await jsm.streams.update(r.stream, { ...info.config, num_replicas: n });
    changes.push({ stream: r.stream, from: r.replicas, to: n });
  }
  return changes;
}

/** Waits until every stream of the cluster has `n` current replicas; returns the last view. Throws after `timeoutMs` naming the laggards. */
export async function waitReplicated(jsm: JetStreamManager, s: Subjects, n: number, timeoutMs: number): Promise<StreamReplicas[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await clusterStreams(jsm, s).catch(() => undefined);
    const behind = all?.filter((r) => !isReplicated(r, n));
    if (all && !behind!.length) return all;
    if (Date.now() > deadline) throw new Error(`streams not yet at ${n} current replicas after ${timeoutMs / 1000} s: ${behind?.map((r) => r.stream).join(', ') ?? 'JetStream did not answer'}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The JetStream meta group as its leader reports it. */
export interface MetaCluster {
  name?: string | undefined;
  leader?: string | undefined;
  clusterSize: number;
  /** Every peer but the leader. */
  peers: { name: string; current: boolean; lag: number; offline: boolean; active?: number | undefined }[];
}

/** The meta group, asked through the system account (`$SYS.REQ.SERVER.PING.JSZ`, the leader answers); undefined while there is no leader. */
export async function metaCluster(sys: NatsConnection, timeoutMs = 3000): Promise<MetaCluster | undefined> {
  const r = await sys.request('$SYS.REQ.SERVER.PING.JSZ', new TextEncoder().encode(JSON.stringify({ leader_only: true })), { timeout: timeoutMs }).catch(() => undefined);
  if (!r) return undefined;
  type Jsz = { data?: { meta_cluster?: { name?: string; leader?: string; cluster_size?: number; replicas?: { name: string; current: boolean; lag?: number; offline?: boolean; active?: number }[] } } };
  const m = (JSON.parse(new TextDecoder().decode(r.data)) as Jsz).data?.meta_cluster;
  if (!m) return undefined;
  return {
    name: m.name,
    leader: m.leader,
    clusterSize: m.cluster_size ?? 0,
    peers: (m.replicas ?? []).map((p) => ({ name: p.name, current: p.current, lag: p.lag ?? 0, offline: Boolean(p.offline), active: p.active })),
  };
}

/** Removes a server from the JetStream cluster (`$JS.API.SERVER.REMOVE`, system account): its replicas are placed elsewhere. */
export async function removePeer(sys: NatsConnection, server: string, attempts = 5): Promise<void> {
  // Only the meta leader answers; while one is being elected the request times out: ask again.
  let r;
  for (let i = 1; ; i++) {
    try {
      r = await sys.request('$JS.API.SERVER.REMOVE', new TextEncoder().encode(JSON.stringify({ peer: server })), { timeout: 5000 });
      break;
    } catch (e) {
      if (i >= attempts) throw new Error(`NATS did not answer the removal of ${server} from the JetStream cluster: ${(e as Error).message}`);
    }
  }
  const body = JSON.parse(new TextDecoder().decode(r.data)) as { success?: boolean; error?: { description?: string } };
  if (!body.success) throw new Error(`NATS did not remove ${server} from the JetStream cluster: ${body.error?.description ?? 'no reason given'}`);
}
