#!/usr/bin/env node
// ReplicationController benchmark (issue 4), next to Docker Swarm on the same engine in the same
// run. For each: create 5 replicas until all Running; docker kill of one container until its
// replacement runs; scale 5 -> 20 until all Running; delete until every container is gone.
// Wharf: one nats-server, wharf-api, wharf-reconcilers and 3 agents (one Docker engine).
// Swarm: `docker swarm init` if not active (left again at the end), a service with
// --publish mode=host. The same pods made through the Docker API directly show the engine's floor.
// Run under flock: flock /tmp/wharf-docker-e2e.lock node bench/rc.mjs
// Profiling: WHARF_BENCH_TIMELINE=1 prints the event log of each phase, WHARF_BENCH_LOG_LEVEL=debug
// shows the components' logs, WHARF_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles
// them, WHARF_BENCH_ONLY_WHARF=1 skips Swarm and the engine's floor.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { fmt, printTable } from './lib/stats.mjs';
import { apiClient, benchNodeArgs, ROOT, startApi, startNats } from './lib/servers.mjs';
import { directSingle } from './lib/direct.mjs';
import { withSwarm } from './lib/swarm.mjs';

const IMAGE = 'wharf.local/microservice1:1';
const CLUSTER = `bench-rc-${process.pid}`;
const NODES = ['bench-a', 'bench-b', 'bench-c'];
const docker = new Docker();
const procs = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, timeoutMs = 60_000, stepMs = 10) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(stepMs);
  }
}

const marks = [];
/** Times one phase. Each starts after a second's rest, so the engine's deferred clean-up of the
 * previous phase (network namespaces are torn down after a container is gone) is not counted. */
async function timed(fn) {
  await sleep(1000);
  marks.push(Date.now());
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const spawnBin = (bin, args) => {
  const p = spawn(process.execPath, [...benchNodeArgs(), join(ROOT, bin), ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WHARF_LOG_LEVEL: process.env.WHARF_BENCH_LOG_LEVEL ?? 'warn' } });
  procs.push(p);
  return p;
};

const labelled = async (label, running = true) => (await docker.listContainers({ all: !running, filters: { label: [label] } })).filter((c) => !running || c.State === 'running');

/** Prints the event log around each measured phase (WHARF_BENCH_TIMELINE=1), for profiling. */
async function timeline(natsUrl, starts) {
  console.log('marks', JSON.stringify(starts));
  const { EventStore } = await import('@wharf/store');
  const store = await EventStore.connect({ natsUrl, cluster: CLUSTER, name: 'bench-timeline' });
  const { last } = await store.bounds();
  const abort = new AbortController();
  for await (const e of store.read(1, store.subjects.allObjects, abort.signal)) {
    const t = Date.parse(e.metadata.time);
    const phase = starts.findLastIndex((m) => m <= t);
    if (phase >= 0) console.log(`phase ${phase} +${t - starts[phase]}ms ${e.type} ${e.data.metadata.name} ${e.metadata.actor}`);
    if (e.seq >= last) break;
  }
  abort.abort();
  await store.close();
}

async function wharf() {
  const nats = await startNats({ sync: 'always' });
  const api = await startApi(nats.url, CLUSTER);
  const client = apiClient(api);
  const { call } = client;
  spawnBin('packages/reconcilers/bin/wharf-reconcilers.js', ['--nats', nats.url, '--cluster', CLUSTER]);
  for (const n of NODES) spawnBin('packages/agent/bin/wharf-agent.js', ['--nats', nats.url, '--cluster', CLUSTER, '--node', n, '--address', '127.0.0.1', '--heartbeat-interval', '1s', ...(process.env.WHARF_BENCH_RESYNC ? ['--resync-interval', process.env.WHARF_BENCH_RESYNC] : []), '--state-dir', mkdtempSync(join(tmpdir(), `wharf-bench-${n}-`))]);
  // The bench's pods as a watch reports them, as a controller would follow them: polling the
  // list would spend the API's CPU, which the engine needs.
  const pods = new Map();
  const running = (n) => {
    const mine = [...pods.values()].filter((p) => p.metadata.labels?.app === 'bench');
    return mine.length === n && mine.every((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  };
  const rc = (replicas) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'bench' }, spec: { replicas, template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 3000 }] }] } } } });
  const out = {};
  let stopWatch = () => undefined;
  try {
    await until(async () => (await call('GET', '/api/v1/nodes')).items.length === NODES.length, 30_000, 100);
    const list = await call('GET', '/api/v1/namespaces/default/pods');
    stopWatch = await client.watch('/api/v1/namespaces/default/pods', list.metadata.resourceVersion, (e) => {
      if (e.type === 'DELETED') pods.delete(e.object.metadata.name);
      else if (e.object?.metadata) pods.set(e.object.metadata.name, e.object);
    });
    // Warm-up: one pod through every component, then removed.
    await call('POST', '/api/v1/namespaces/default/replicationcontrollers', { ...rc(1), metadata: { name: 'warm' }, spec: { ...rc(1).spec, template: { metadata: { labels: { app: 'warm' } }, spec: rc(1).spec.template.spec } } });
    await until(async () => (await labelled(`wharf.cluster=${CLUSTER}`)).length >= 1, 30_000);
    await call('DELETE', '/api/v1/namespaces/default/replicationcontrollers/warm');
    await until(async () => (await labelled(`wharf.cluster=${CLUSTER}`, false)).length === 0, 30_000);

    out.create = await timed(async () => {
      await call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc(5));
      await until(() => running(5));
    });
    const app = async () => (await labelled(`wharf.cluster=${CLUSTER}`)).filter((c) => c.Labels['wharf.container'] === 'web');
    const [victim] = await app();
    const restarted = () => [...pods.values()].some((p) => p.metadata.uid === victim.Labels['wharf.pod-uid'] && p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].state?.running);
    out.kill = await timed(async () => {
      await docker.getContainer(victim.Id).kill();
      await until(restarted, 60_000, 10);
    });
    out.scale = await timed(async () => {
      await call('PATCH', '/api/v1/namespaces/default/replicationcontrollers/bench/scale', { spec: { replicas: 20 } }, 'application/merge-patch+json');
      await until(() => running(20));
    });
    out.delete = await timed(async () => {
      await call('DELETE', '/api/v1/namespaces/default/replicationcontrollers/bench');
      await until(async () => (await labelled(`wharf.cluster=${CLUSTER}`, false)).length === 0, 60_000, 50);
    });
    if (process.env.WHARF_BENCH_TIMELINE) await timeline(nats.url, marks);
  } finally {
    stopWatch();
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)))));
    for (const c of await labelled(`wharf.cluster=${CLUSTER}`, false)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await api.stop();
    await nats.stop();
  }
  return out;
}

async function swarm() {
  const name = `wharf-bench-${process.pid}`;
  const label = `com.docker.swarm.service.name=${name}`;
  const tasksRunning = async (n) => {
    const tasks = await docker.listTasks({ filters: { service: [name], 'desired-state': ['running'] } });
    return tasks.length === n && tasks.every((t) => t.Status?.State === 'running');
  };
  const out = {};
  let service;
  try {
    out.create = await timed(async () => {
      service = await docker.createService({
        Name: name,
        TaskTemplate: { ContainerSpec: { Image: IMAGE }, RestartPolicy: { Condition: 'any' } },
        Mode: { Replicated: { Replicas: 5 } },
        EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 3000, PublishMode: 'host' }] },
      });
      await until(() => tasksRunning(5));
    });
    const victim = (await labelled(label)).at(-1);
    out.kill = await timed(async () => {
      await docker.getContainer(victim.Id).kill();
      await until(async () => {
        const now = await labelled(label);
        return now.length === 5 && !now.some((c) => c.Id === victim.Id);
      }, 60_000, 50);
      await until(() => tasksRunning(5));
    });
    out.scale = await timed(async () => {
      const s = docker.getService(service.id);
      const i = await s.inspect();
      await s.update({ ...i.Spec, version: i.Version.Index, Mode: { Replicated: { Replicas: 20 } } });
      await until(() => tasksRunning(20), 120_000);
    });
    out.delete = await timed(async () => {
      await docker.getService(service.id).remove();
      service = undefined;
      await until(async () => (await labelled(label, false)).length === 0, 120_000, 50);
    });
  } finally {
    if (service) await docker.getService(service.id).remove().catch(() => undefined);
  }
  return out;
}

/**
 * The engine's floor for the same work, through the Docker API directly: each pod is what a
 * Wharf pod of one container is (that container, publishing the port), made concurrently, with no
 * orchestration at all; deletion stops each container gracefully and removes it.
 */
async function direct() {
  const label = `wharf.bench=${CLUSTER}-direct`;
  const Labels = { 'wharf.bench': `${CLUSTER}-direct` };
  const pod = (i) => directSingle(docker, IMAGE, Labels, i);
  const pods = [];
  const out = {};
  try {
    out.create = await timed(async () => pods.push(...(await Promise.all(Array.from({ length: 5 }, (_, i) => pod(i))))));
    out.kill = await timed(async () => {
      await pods[0].kill();
      pods[0] = await pod(0);
    });
    out.scale = await timed(async () => pods.push(...(await Promise.all(Array.from({ length: 15 }, (_, i) => pod(5 + i))))));
    out.delete = await timed(async () => {
      await Promise.all(pods.map(async (p) => {
        await p.stop({ t: 30 }).catch(() => undefined);
        await p.remove({ force: true, v: true });
      }));
    });
  } finally {
    for (const c of await labelled(label, false)) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  return out;
}

await docker.ping().catch(() => {
  console.error("dockerd is not running: start it with scripts/ensure-dockerd.sh (or 'systemctl start docker')");
  process.exit(1);
});
const w = await wharf();
console.log('wharf', w);
if (process.env.WHARF_BENCH_ONLY_WHARF) process.exit(0);
const s = await withSwarm(docker, swarm);
console.log('swarm', s);
const d = await direct();
console.log('docker directly', d);
const rows = [
  ['create 5 replicas until all Running', 'create', 1],
  ['docker kill one container until replaced', 'kill', 1],
  ['scale 5 -> 20 until all Running', 'scale', 2.5],
  ['delete until all containers gone', 'delete', 1],
].map(([what, k, target]) => ({ what, 'wharf s': fmt(w[k], 2), 'swarm s': fmt(s[k], 2), 'docker API directly s': fmt(d[k], 2), 'target s': `<= ${target}`, ok: w[k] <= target && w[k] < s[k] ? 'yes' : 'NO' }));
console.log(`\nReplicationController benchmark — Wharf (3 agents) vs Docker Swarm, one Docker engine, image ${IMAGE}`);
console.log('("docker API directly": the same pods, one container each publishing its port, made with no orchestration: the engine\'s floor)\n');
printTable(rows);
