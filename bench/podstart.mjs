#!/usr/bin/env node
// Pod start latency (issue: pods run). From create to Running, for 1 pod (repeated) and for 20
// pods at once, measured in one run against: the same one-container pods (the container publishing its port)
// started directly through the Docker API (the limit), and Docker Swarm on the same engine
// (`docker service create` until its tasks run). Run under the machine's Docker lock:
//   flock /tmp/wharf-docker-e2e.lock node bench/podstart.mjs [--repeat 7]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { fmt, pct, printTable } from './lib/stats.mjs';
import { apiClient, startApi, startDaemon, startNats } from './lib/servers.mjs';
import { directSingle } from './lib/direct.mjs';
import { withSwarm } from './lib/swarm.mjs';

const { values: o } = parseArgs({ options: { repeat: { type: 'string', default: '7' }, many: { type: 'string', default: '20' } } });
const R = Number(o.repeat);
const MANY = Number(o.many);
const IMAGE = 'wharf.local/microservice1:1';
const CLUSTER = `bench-start-${process.pid}`;
const docker = new Docker();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- direct Docker API: pods made by lib/direct.mjs, with no orchestration (the limit)
async function cleanupDirect() {
  const cs = await docker.listContainers({ all: true, filters: { label: [`wharf.bench=${CLUSTER}`] } });
  await Promise.all(cs.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
async function timeDirect(n) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => directSingle(docker, IMAGE, { 'wharf.bench': CLUSTER }, i)));
  const ms = performance.now() - t0;
  await cleanupDirect();
  return ms;
}

// ---- Wharf: POST the pods, wait for every one to report Running through a watch
async function timeWharf(api, n, round) {
  const list = await api.call('GET', '/api/v1/namespaces/default/pods');
  const names = Array.from({ length: n }, (_, i) => `s${round}-${i}`);
  const running = new Set();
  let done;
  const all = new Promise((r) => (done = r));
  const stop = await api.watch('/api/v1/namespaces/default/pods', list.metadata.resourceVersion, (e) => {
    if (e.object?.status?.phase === 'Running' && names.includes(e.object.metadata.name)) {
      running.add(e.object.metadata.name);
      if (running.size === n) done();
    }
  });
  const t0 = performance.now();
  await Promise.all(names.map((name) => api.call('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: IMAGE, ports: [{ containerPort: 3000 }] }] } })));
  await all;
  const ms = performance.now() - t0;
  stop();
  await Promise.all(names.map((name) => api.call('DELETE', `/api/v1/namespaces/default/pods/${name}`)));
  for (let i = 0; i < 300; i++) {
    const cs = await docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`, 'wharf.container'] } });
    if (cs.filter((c) => c.Labels['wharf.container'] !== '').length === 0) break;
    await sleep(50);
  }
  return ms;
}

// ---- Docker Swarm: a service with n replicas until all tasks run
const dk = (...args) => execFileSync('/usr/bin/docker', args, { encoding: 'utf8' }).trim();
async function timeSwarm(n, round) {
  const name = `wharf-bench-${process.pid}-${round}`;
  const t0 = performance.now();
  dk('service', 'create', '--detach', '--quiet', '--name', name, '--replicas', String(n), '--no-resolve-image', '--publish', 'mode=host,target=3000', IMAGE);
  for (;;) {
    const states = dk('service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}').split('\n').filter(Boolean);
    if (states.length === n && states.every((s) => s.startsWith('Running'))) break;
    await sleep(20);
  }
  const ms = performance.now() - t0;
  dk('service', 'rm', name);
  for (let i = 0; i < 200 && dk('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}`); i++) await sleep(100);
  return ms;
}

const rows = [];
const summarize = (what, samples) => rows.push({ what, runs: samples.length, 'median ms': fmt(pct(samples, 50), 0), 'min ms': fmt(Math.min(...samples), 0), 'max ms': fmt(Math.max(...samples), 0) });

const nats = await startNats({ sync: 'always' });
const apiHandle = await startApi(nats.url, CLUSTER);
const daemons = [startDaemon('reconcilers', ['--nats', nats.url, '--cluster', CLUSTER]), startDaemon('agent', ['--nats', nats.url, '--cluster', CLUSTER, '--node', 'bench-1', '--address', '127.0.0.1', '--state-dir', `/tmp/${CLUSTER}`])];
const api = apiClient(apiHandle);
try {
  for (let i = 0; i < 100 && !(await api.call('GET', '/api/v1/nodes')).items.length; i++) await sleep(100);
  await timeWharf(api, 1, 'warm');
  await timeDirect(1);
  const w1 = [], d1 = [], s1 = [];
  for (let r = 0; r < R; r++) {
    d1.push(await timeDirect(1));
    w1.push(await timeWharf(api, 1, r));
  }
  const dN = [await timeDirect(MANY), await timeDirect(MANY)];
  const wN = [await timeWharf(api, MANY, 'm0'), await timeWharf(api, MANY, 'm1')];
  const sN = await withSwarm(docker, async () => {
    for (let r = 0; r < Math.min(R, 3); r++) s1.push(await timeSwarm(1, r));
    return [await timeSwarm(MANY, 'm')];
  });
  summarize('docker API direct, 1 pod (limit)', d1);
  summarize('wharf create→Running, 1 pod', w1);
  summarize('swarm service create→running, 1 task', s1);
  summarize(`docker API direct, ${MANY} pods (limit)`, dN);
  summarize(`wharf create→Running, ${MANY} pods`, wN);
  summarize(`swarm service create→running, ${MANY} tasks`, sN);
  console.log('\nPod start latency (one container per pod, publishing port 3000 on 127.0.0.1)\n');
  printTable(rows);
  console.log(`\n1 pod:  wharf / direct = ${fmt(pct(w1, 50) / pct(d1, 50), 2)}x (target <= 1.3x); wharf vs swarm: ${fmt(pct(w1, 50), 0)} vs ${fmt(pct(s1, 50), 0)} ms`);
  console.log(`${MANY} pods: wharf / direct = ${fmt(pct(wN, 50) / pct(dN, 50), 2)}x (target <= 1.3x); wharf vs swarm: ${fmt(pct(wN, 50), 0)} vs ${fmt(pct(sN, 50), 0)} ms`);
} finally {
  for (const d of daemons) await d.stop();
  await apiHandle.stop();
  await nats.stop();
  await cleanupDirect();
  const left = await docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
