#!/usr/bin/env node
// What the Docker engine itself needs for bench/rc.mjs's work, by pod shape, with no
// orchestration at all: create 5 pods, create 15 more, then stop and remove all 20. It shows
// where the engine's floor for Wharf's pods lies, and what other shapes would save:
//   wharf       an infra container publishing port 3000 on 127.0.0.1, the app in its netns
//               (Wharf's pod of several containers)
//   bridge      the same without the published port (no iptables rules, no docker-proxy)
//   none        the same with no network at all (NetworkMode none): the cost of the containers
//   single      the app container alone, publishing port 3000 (Wharf's pod of one container;
//               bench/rc.mjs's "docker API directly" column)
//   single-none the app container alone with no network: the cost of the containers alone
// Run under flock: flock /tmp/wharf-docker-e2e.lock node bench/docker-floor.mjs [--rounds 2]
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { fmt, printTable } from './lib/stats.mjs';
import { directPod, directSingle } from './lib/direct.mjs';

const { values: o } = parseArgs({ options: { rounds: { type: 'string', default: '2' } } });
const IMAGE = 'wharf.local/microservice1:1';
const LABEL = `wharf.bench=docker-floor-${process.pid}`;
const Labels = { 'wharf.bench': `docker-floor-${process.pid}` };
const docker = new Docker();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates and starts pod `i` of `shape`; returns its containers, app first. */
async function pod(shape, i) {
  if (shape === 'single') return [await directSingle(docker, IMAGE, Labels, i)];
  if (shape === 'single-none') return [await directSingle(docker, IMAGE, Labels, i, 'none')];
  const { infra, app } = await directPod(docker, IMAGE, Labels, i, shape === 'wharf' ? 'published' : shape);
  return [app, infra];
}

/** Seconds `fn` takes, after a second's rest (the engine tears namespaces down after a removal). */
async function timed(fn) {
  await sleep(1000);
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function measure(shape) {
  const pods = [];
  const create5 = await timed(async () => pods.push(...(await Promise.all(Array.from({ length: 5 }, (_, i) => pod(shape, i))))));
  const create15 = await timed(async () => pods.push(...(await Promise.all(Array.from({ length: 15 }, (_, i) => pod(shape, 5 + i))))));
  // As Wharf deletes a pod: the app stops gracefully, then all its containers go at once.
  const delete20 = await timed(() =>
    Promise.all(pods.map(async ([app, ...rest]) => {
      await app.stop({ t: 30 }).catch(() => undefined);
      await Promise.all([app, ...rest].map((c) => c.remove({ force: true, v: true })));
    })),
  );
  return { create5, create15, delete20 };
}

await docker.ping().catch(() => {
  console.error("dockerd is not running: start it with scripts/ensure-dockerd.sh (or 'systemctl start docker')");
  process.exit(1);
});
const rows = [];
try {
  for (let r = 1; r <= Number(o.rounds); r++) {
    for (const shape of ['wharf', 'bridge', 'none', 'single', 'single-none']) {
      const m = await measure(shape);
      rows.push({ round: r, shape, 'create 5 s': fmt(m.create5, 2), 'create 15 more s': fmt(m.create15, 2), 'delete 20 s': fmt(m.delete20, 2) });
    }
  }
} finally {
  for (const c of await docker.listContainers({ all: true, filters: { label: [LABEL] } })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
}
console.log(`\nThe Docker engine's floor by pod shape (Docker API directly, no orchestration), image ${IMAGE}\n`);
printTable(rows);
