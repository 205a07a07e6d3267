/**
 * Moving a cluster's data between one replica and three, and retiring the bootstrap NATS server.
 * Up to 3 when the third control-plane host has joined (join --control-plane does it) or by
 * `wharf cluster replicas 3`; down only by `wharf cluster replicas 1`. Going to three also retires
 * the seed: the members list says so, the first host's wharf-api stops it and drops its route,
 * and once the seed is offline it is removed from the JetStream cluster, whose streams then place
 * their replicas on the three control-plane hosts only.
 */
import { CONTROL_PLANE_MEMBERS_KEY, type ControlPlaneMembers } from '@wharf/model';
import { metaCluster, removePeer, setReplicas, waitReplicated } from '@wharf/store';
import { CliError } from '../errors.js';
import type { ControlPlaneConn } from './clusterconn.js';
import { readMembers } from './clusterconn.js';

/** The JetStream servers up, by name, but the bootstrap seed: the control-plane hosts whose NATS servers are in the cluster. */
export async function controlPlaneServersUp(c: ControlPlaneConn): Promise<string[]> {
  const [meta, m] = await Promise.all([metaCluster(c.sys), readMembers(c.auth)]);
  if (!meta) return [];
  const seed = m?.members.seed?.name;
  return [...(meta.leader ? [meta.leader] : []), ...meta.peers.filter((p) => !p.offline).map((p) => p.name)].filter((n) => n !== seed).sort();
}

/** Moves every stream to `n` replicas and, going to three, retires the seed; `say` prints each step. */
export async function replicate(c: ControlPlaneConn, n: 1 | 3, say: (text: string) => void, timeoutMs = 180_000): Promise<void> {
  const m = await readMembers(c.auth);
  if (n === 3) {
    const servers = await controlPlaneServersUp(c);
    if (servers.length < 3) throw new CliError(`the JetStream cluster has ${servers.length} control-plane servers up (${servers.join(', ') || 'none'}): 3 replicas need three (join control-plane hosts with 'wharf join --control-plane')`);
  }
  const changes = await setReplicas(c.jsm, c.subjects, n);
  for (const ch of changes) say(`${ch.stream}: ${ch.from} -> ${ch.to} replicas`);
  if (!changes.length) say(`every stream of cluster ${c.subjects.cluster} already has ${n} replica${n === 1 ? '' : 's'}`);
  await waitReplicated(c.jsm, c.subjects, n, timeoutMs);
  say(`every stream of cluster ${c.subjects.cluster} has ${n} current replica${n === 1 ? '' : 's'}`);
  if (n === 3 && m?.members.seed && !m.members.seed.retired) await retireSeed(c, m.members, m.revision, say, timeoutMs);
}

/**
 * Whether the meta leader has stopped hearing from a peer: marked offline, or neither current nor
 * heard from for 10 s (a leader that had dropped its route to the seed before the seed stopped
 * never gets its shutdown notice, and keeps it "online" for minutes).
 */
export function seedGone(peer: { current: boolean; offline: boolean; active?: number | undefined }): boolean {
  return peer.offline || (!peer.current && (peer.active ?? 0) > SILENT_NS);
}
const SILENT_NS = 10e9;

async function retireSeed(c: ControlPlaneConn, members: ControlPlaneMembers, revision: number, say: (text: string) => void, timeoutMs: number): Promise<void> {
  const seed = members.seed!;
  await c.auth.update(CONTROL_PLANE_MEMBERS_KEY, JSON.stringify({ ...members, seed: { ...seed, retired: true } }), revision);
  say(`retiring the bootstrap NATS server ${seed.name}: the first control-plane host stops it`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await metaCluster(c.sys);
    const peer = meta?.peers.find((p) => p.name === seed.name);
    if (meta && meta.leader !== seed.name && (!peer || seedGone(peer))) break;
    if (Date.now() > deadline) throw new CliError(`the bootstrap NATS server ${seed.name} still runs after ${timeoutMs / 1000} s: is wharf-api running on the first control-plane host?`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await removePeer(c.sys, seed.name);
  say(`removed ${seed.name} from the JetStream cluster; its replicas move to the control-plane hosts`);
  await waitReplicated(c.jsm, c.subjects, 3, timeoutMs);
  say('every stream has 3 current replicas on the control-plane hosts');
}
