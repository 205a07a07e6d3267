/**
 * `wharf cluster status`: the control plane as its parts see it. The JetStream meta group (its
 * leader, every peer, current or behind, by how much), every stream of the cluster (leader,
 * replicas, followers' lag), every control-plane host's API server (its /readyz), and the live
 * reconciler members (their leases in the reconcilers bucket). Gathering is I/O; rendering is pure.
 */
import { Kvm } from '@nats-io/kv';
import { type ControlPlaneMembers } from '@wharf/model';
import { clusterStreams, type MetaCluster, metaCluster, type StreamReplicas } from '@wharf/store';
import type { ControlPlaneConn } from './clusterconn.js';
import { readMembers } from './clusterconn.js';
import { httpsJson } from './https.js';
import { columnWidths, renderLines } from '../tabwriter.js';

/** Everything `cluster status` shows. */
export interface ClusterStatus {
  meta?: MetaCluster | undefined;
  streams: StreamReplicas[];
  apiServers: { url: string; name?: string; ready: boolean; detail: string }[];
  reconcilers: { instance: string; intervalMs: number }[];
  members?: ControlPlaneMembers | undefined;
  /** What could not be asked (a part that timed out while NATS elects leaders), by part. */
  errors: Record<string, string>;
}

/** Gathers the status through this host's connections; `apiUrls` are checked besides the members' (a one-control-plane cluster has no list). */
export async function gatherStatus(c: ControlPlaneConn, ca: string, apiUrls: string[]): Promise<ClusterStatus> {
  const errors: Record<string, string> = {};
  const part = <T>(name: string, p: Promise<T>, fallback: T): Promise<T> =>
    p.catch((e: Error) => {
      errors[name] = e.message;
      return fallback;
    });
  const members = (await part('members', readMembers(c.auth), undefined))?.members;
  const urls = new Map<string, string | undefined>(apiUrls.map((u) => [u, undefined]));
  for (const m of members?.members ?? []) urls.set(m.apiUrl, m.name);
  const [meta, streams, reconcilers, apiServers] = await Promise.all([
    metaCluster(c.sys),
    part('streams', clusterStreams(c.jsm, c.subjects), []),
    part('reconcilers', reconcilerMembers(c), []),
    Promise.all(
      [...urls].map(async ([url, name]) => {
        const r = await httpsJson<string>(`${url}/readyz`, { ca }, { timeoutMs: 3000 }).catch((e: Error) => ({ status: 0, body: e.message }));
        return { url, ...(name ? { name } : {}), ready: r.status === 200, detail: r.status === 200 ? 'ok' : `${r.status ? `HTTP ${r.status}: ` : ''}${String(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).trim().split('\n')[0]}` };
      }),
    ),
  ]);
  return { meta, streams, apiServers, reconcilers, members, errors };
}

async function reconcilerMembers(c: ControlPlaneConn): Promise<ClusterStatus['reconcilers']> {
  const kv = await new Kvm(c.nc).open(c.subjects.reconcilerBucket).catch(() => undefined);
  if (!kv) return [];
  const out: ClusterStatus['reconcilers'] = [];
  for await (const k of await kv.keys()) {
    const e = await kv.get(k);
    if (e?.operation === 'PUT') out.push(e.json<{ instance: string; intervalMs: number }>());
  }
  return out.sort((a, b) => a.instance.localeCompare(b.instance));
}

const table = (rows: string[][]): string => renderLines(rows, columnWidths(rows)).trimEnd();

/** The status as text (pure). */
export function renderStatus(s: ClusterStatus): string {
  const out: string[] = [];
  if (s.meta) {
    out.push(`NATS (JetStream cluster ${s.meta.name ?? '-'}, ${s.meta.clusterSize} peers, meta leader ${s.meta.leader ?? 'none'}):`);
    out.push(table([['SERVER', 'ROLE', 'CURRENT', 'LAG', 'SEEN'], [s.meta.leader ?? '-', 'leader', 'true', '0', 'now'], ...s.meta.peers.map((p) => [p.name, 'follower', String(p.current && !p.offline), String(p.lag), p.offline ? 'offline' : p.active === undefined ? '-' : `${Math.round(p.active / 1e6)}ms ago`])]));
  } else out.push('NATS: no JetStream meta leader answered (a single server without a cluster, or no quorum)');
  out.push('', 'STREAMS:');
  out.push(table([['STREAM', 'REPLICAS', 'LEADER', 'FOLLOWERS (lag)'], ...s.streams.map((r) => [r.stream, String(r.replicas), r.leader ?? 'none', r.followers.map((f) => `${f.name}${f.offline ? ' offline' : f.current ? '' : ' behind'} (${f.lag})`).join(', ') || '-'])]));
  out.push('', 'API SERVERS:');
  out.push(table([['SERVER', 'HOST', 'READY', 'DETAIL'], ...s.apiServers.map((a) => [a.url, a.name ?? '-', String(a.ready), a.detail])]));
  out.push('', `RECONCILERS (${s.reconcilers.length} live):`);
  out.push(table([['INSTANCE', 'INTERVAL'], ...s.reconcilers.map((r) => [r.instance, `${r.intervalMs}ms`])]));
  for (const [what, why] of Object.entries(s.errors)) out.push('', `could not read the ${what}: ${why}`);
  if (s.members?.seed && !s.members.seed.retired) out.push('', `The bootstrap NATS server ${s.members.seed.name} runs until the third control-plane host joins.`);
  return out.join('\n') + '\n';
}
