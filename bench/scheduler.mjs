#!/usr/bin/env node
/**
 * Scheduler benchmark (hollow nodes). Prints two figures:
 *  1. the pure `schedule` throughput: 1,000 hollow nodes, 30,000 pending pods, one call;
 *  2. the end-to-end bind rate through the runner (ledger CAS + PodBound appends) against a real
 *     nats-server started here: 100 hollow nodes registered as Node objects, 5,000 pending pods.
 * Anchor: Kubernetes scheduler_perf schedules 680-810 pods/s at 5,000 nodes. Target >= 1,000 pods/s.
 * Usage: npm run build && node bench/scheduler.mjs [--nodes 1000 --pods 30000 --e2e-nodes 100 --e2e-pods 5000 --instances 1 --skip-e2e]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mustKind } from '@wharf/model';
import { createLogger, EventStore, Objects, Projection } from '@wharf/store';
import { AllocationLedger, SchedulerReconciler } from '@wharf/reconcilers';
import { schedule } from '@wharf/scheduler';
import { makeNode, makePod } from '../packages/reconcilers/dist/scheduler/fixtures.js';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '30000' },
    'e2e-nodes': { type: 'string', default: '100' },
    'e2e-pods': { type: 'string', default: '5000' },
    instances: { type: 'string', default: '1' },
    'skip-e2e': { type: 'boolean', default: false },
  },
});

/** A hollow fleet: nodes with 16 cpu / 64Gi, pods of 10-replica "apps" with small requests. */
function fleet(nodeCount, podCount) {
  const nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(`hollow-${String(i).padStart(5, '0')}`, { cpu: '16', memory: '64Gi', pods: 110, labels: { zone: `z${i % 3}` } }));
  const pods = Array.from({ length: podCount }, (_, i) =>
    makePod(`pod-${String(i).padStart(6, '0')}`, { cpu: `${50 + (i % 4) * 25}m`, memory: `${64 + (i % 3) * 64}Mi`, labels: { app: `app-${Math.floor(i / 10)}` } }),
  );
  return { nodes, pods };
}

function pureBench(nodeCount, podCount) {
  const { nodes, pods } = fleet(nodeCount, podCount);
  schedule({ nodes, assigned: [] }, pods.slice(0, 500)); // warm-up
  const t0 = performance.now();
  const plan = schedule({ nodes, assigned: [] }, pods);
  const ms = performance.now() - t0;
  return { bound: plan.bindings.length, failed: plan.failures.length, ms, rate: (podCount / ms) * 1000 };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startNats() {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const port = await freePort();
  const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'js')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => connect(port, '127.0.0.1').once('connect', function () { this.destroy(); r(true); }).once('error', () => r(false)));
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // If the bench is interrupted, do not leave the server or its store behind.
  const cleanup = () => {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
  return { url: `nats://127.0.0.1:${port}`, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }).then(() => rmSync(dir, { recursive: true, force: true })) };
}

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function e2eBench(nodeCount, podCount, instances) {
  const nats = await startNats();
  const log = createLogger('bench', 'error');
  const cluster = 'bench';
  const store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'bench-writer' });
  const projection = new Projection(store);
  await projection.start();
  const objects = new Objects(store, projection);
  const { nodes, pods } = fleet(nodeCount, podCount);
  await inBatches(nodes, 100, (n) => objects.create(mustKind('Node'), n, { actor: 'bench' }));
  await inBatches(pods, 250, (p) => objects.create(mustKind('Pod'), p, { actor: 'bench' }));
  if (process.env.BENCH_DEBUG) console.error('created', performance.now());
  if (process.env.BENCH_DEBUG) setInterval(() => console.error('bound', bound), 2000).unref();
  let bound = 0;
  const failed = new Set();
  let done;
  const allBound = new Promise((r) => (done = r));
  projection.onChange((changes) => {
    for (const c of changes) {
      if (c.event.type === 'PodBound') bound++;
      else if (c.event.type === 'PodScheduleFailed') failed.add(c.object.metadata.name);
    }
    if (bound + failed.size >= podCount) done();
  });
  const runners = [];
  const t0 = performance.now();
  for (let i = 0; i < instances; i++) {
    const s = i === 0 ? store : await EventStore.connect({ natsUrl: nats.url, cluster, name: `bench-sched-${i}` });
    const p = i === 0 ? projection : new Projection(s);
    if (i > 0) await p.start();
    const ledger = await AllocationLedger.open(s, log);
    const runner = new SchedulerReconciler({ projection: p, objects: i === 0 ? objects : new Objects(s, p), ledger, log, instance: `bench-${i}` });
    runner.start();
    runners.push({ runner, ledger, s, p, own: i > 0 });
  }
  await allBound;
  const ms = performance.now() - t0;
  for (const r of runners) {
    await r.runner.stop();
    r.ledger.stop();
    if (r.own) {
      r.p.stop();
      await r.s.close();
    }
  }
  projection.stop();
  await store.close();
  await nats.stop();
  return { bound, failed: failed.size, ms, rate: (bound / ms) * 1000 };
}

const pure = pureBench(Number(args.nodes), Number(args.pods));
console.log(`pure schedule(): ${args.pods} pods over ${args.nodes} hollow nodes in ${pure.ms.toFixed(0)} ms = ${pure.rate.toFixed(0)} pods/s (${pure.bound} bound, ${pure.failed} unschedulable)`);
if (!args['skip-e2e']) {
  const e2e = await e2eBench(Number(args['e2e-nodes']), Number(args['e2e-pods']), Number(args.instances));
  console.log(`end-to-end bind rate: ${e2e.bound} pods over ${args['e2e-nodes']} Node objects, ${args.instances} scheduler instance(s), real nats-server: ${e2e.ms.toFixed(0)} ms = ${e2e.rate.toFixed(0)} pods/s (${e2e.failed} unschedulable)`);
}
console.log('anchor: Kubernetes scheduler_perf 680-810 pods/s at 5,000 nodes; target >= 1,000 pods/s');
