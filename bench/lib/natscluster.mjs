// A JetStream cluster of nats-servers on loopback for benchmarks (the layout of
// deploy/nats/cluster-*.conf, one machine): each member with its own client, route and monitoring
// port and store, SIGKILLed and restarted by PID; and what the members' monitoring port (/jsz)
// says of stream leaders and followers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen, stopChild, waitFor } from './servers.mjs';

/** True while a member's current process runs. */
export const isRunning = (m) => m.process.exitCode === null && m.process.signalCode === null;

/** Asks one member's /jsz (streams with config and cluster state); rejects after 2 s. */
export async function jszOf(m) {
  const res = await fetch(`http://127.0.0.1:${m.monitorPort}/jsz?streams=true&config=true`, { signal: AbortSignal.timeout(2000) });
  return res.json();
}

/** The stream details of every account in one /jsz answer. */
export const streamsOf = (jsz) => (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []);

/**
 * `size` nats-servers clustered on 127.0.0.1 with `sync` as sync_interval; resolves once every
 * member names the same JetStream meta leader. `stop()` ends every process it started.
 */
export async function startNatsCluster({ size = 3, sync } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-natsc-'));
  const free = () => Promise.all(Array.from({ length: size }, () => freePort()));
  const [ports, routes, monitors] = [await free(), await free(), await free()];
  const members = [];
  const stop = async () => {
    await Promise.all(members.map((m) => stopChild(m.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const config = join(dir, `n${i}.conf`);
      writeFileSync(config, [
        `server_name: n${i}`,
        `listen: 127.0.0.1:${ports[i]}`,
        `http: 127.0.0.1:${monitors[i]}`,
        'max_payload: 8MB',
        `jetstream { store_dir: "${dir}/n${i}"${sync ? `, sync_interval: ${sync}` : ''} }`,
        `cluster { name: wharf-bench, listen: 127.0.0.1:${routes[i]}, routes: [${routes.map((r) => `nats-route://127.0.0.1:${r}`).join(', ')}] }`,
      ].join('\n'));
      const m = { name: `n${i}`, port: ports[i], monitorPort: monitors[i], url: `nats://127.0.0.1:${ports[i]}`, config };
      m.process = spawn('nats-server', ['-c', config], { stdio: 'ignore' });
      members.push(m);
    }
    for (const m of members) await waitFor(() => portOpen(m.port));
    await waitFor(async () => {
      const leaders = await Promise.all(members.map(async (m) => (await jszOf(m)).meta_cluster?.leader));
      return leaders[0] && leaders.every((l) => l === leaders[0]);
    }, 30000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url: members.map((m) => m.url).join(','),
    members,
    get pids() {
      return members.filter(isRunning).map((m) => m.process.pid);
    },
    /** SIGKILLs a member's process (by its PID) and resolves once it has exited. */
    kill: (m) => new Promise((r) => {
      if (!isRunning(m)) return r();
      m.process.once('exit', r);
      m.process.kill('SIGKILL');
    }),
    /** Starts a stopped member again with its config and store; resolves once it listens. */
    async restart(m) {
      m.process = spawn('nats-server', ['-c', m.config], { stdio: 'ignore' });
      await waitFor(() => portOpen(m.port));
    },
    stop,
  };
}

/** The member leading `stream` now, as the first running member that answers says; undefined while none does. */
export async function streamLeader(cluster, stream) {
  for (const m of cluster.members.filter(isRunning)) {
    try {
      const name = streamsOf(await jszOf(m)).find((s) => s.name === stream)?.cluster?.leader;
      return cluster.members.find((x) => x.name === name && isRunning(x));
    } catch {
      // ask the next member
    }
  }
  return undefined;
}

/**
 * Whether `member` has caught up: for every replicated stream, its leader (in its /jsz) calls
 * `member` a current, online follower, and `member`'s own /jsz holds the stream up to at least
 * the last sequence the leader held just before (a leader keeps calling a dead follower current
 * for up to 10 s after its last contact, so the sequences decide); and `member` names the meta
 * group's leader, which calls it current. Resolves { ok, behind: [stream names], streams: how
 * many are replicated }.
 */
export async function followsEverything(cluster, member) {
  const follows = (replicas) => (replicas ?? []).some((r) => r.name === member.name && r.current && !r.offline);
  const others = cluster.members.filter((m) => m !== member && isRunning(m));
  const answers = await Promise.all(others.map(async (m) => ({ m, jsz: await jszOf(m).catch(() => undefined) })));
  const own = await jszOf(member).catch(() => undefined);
  const held = new Map((own ? streamsOf(own) : []).map((s) => [s.name, s.state?.last_seq ?? 0]));
  const behind = [];
  const seen = new Set();
  if (!own?.meta_cluster?.leader) behind.push('(meta group)');
  for (const { m, jsz } of answers) {
    if (!jsz) continue;
    const meta = jsz.meta_cluster;
    if (meta?.leader === m.name && !follows(meta.replicas) && !behind.includes('(meta group)')) behind.push('(meta group)');
    for (const s of streamsOf(jsz)) {
      if ((s.config?.num_replicas ?? 1) < 2 || s.cluster?.leader !== m.name) continue;
      seen.add(s.name);
      if (!follows(s.cluster.replicas) || (held.get(s.name) ?? -1) < (s.state?.last_seq ?? 0)) behind.push(s.name);
    }
  }
  // A stream none of the answering members leads (an election under way) counts as behind.
  const all = new Set(answers.flatMap(({ jsz }) => (jsz ? streamsOf(jsz) : []).filter((s) => (s.config?.num_replicas ?? 1) > 1).map((s) => s.name)));
  for (const name of all) if (!seen.has(name)) behind.push(name);
  return { ok: answers.some((a) => a.jsz) && behind.length === 0, behind, streams: all.size };
}
