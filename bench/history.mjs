#!/usr/bin/env node
// History benchmark (issue 6). In one run against one local nats-server:
//  - writes N events (default 1,000,000: P pods created, then status/label updates) straight to
//    the event log stream in batches with many publishes in flight (not through the API);
//  - replay throughput: the raw JetStream ordered consumer (the limit) vs a Projection catching
//    up on the same log (compacted: the newest message per subject, parsed and folded once);
//  - wharf-api cold start to /readyz with a full replay and from a snapshot, and its RSS.
// No test asserts on these figures.
//   node bench/history.mjs [--events 1000000] [--pods 100000]
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { EventStore, Projection } from '@wharf/store';
import { fmt, printTable } from './lib/stats.mjs';
import { ROOT, freePort, startNats } from './lib/servers.mjs';

const { values: o } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, pods: { type: 'string', default: '100000' } } });
const N = Number(o.events);
const P = Math.min(Number(o.pods), N);
const cluster = 'hbench';
const rows = [];
const row = (r) => (rows.push(r), console.error(`  ${r.what}: ${r.value} ${r.note}`));
const mb = (b) => fmt(b / 1048576, 0);

function podData(i, v) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `microservice1-${i.toString(36).padStart(5, '0')}`, namespace: 'default', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, labels: { app: 'microservice1', v: String(v) }, creationTimestamp: '2025-01-01T10:00:00Z', ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'microservice1', uid: 'rc-uid', controller: true, blockOwnerDeletion: true }] },
    spec: { nodeName: `node-${i % 100}`, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', containers: [{ name: 'microservice1', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '64Mi' } }, imagePullPolicy: 'IfNotPresent' }] },
    status: { phase: v % 2 ? 'Running' : 'Pending', hostIP: '127.0.0.1', podIP: '127.0.0.1', startTime: '2025-01-01T10:00:01Z', qosClass: 'Burstable', containerStatuses: [{ name: 'microservice1', ready: v % 2 === 1, restartCount: v >> 1, image: 'wharf.local/microservice1:1', state: { running: { startedAt: '2025-01-01T10:00:02Z' } } }] },
  };
}

async function waitReady(url, dispatcher, t0, ms = 600_000) {
  for (;;) {
    try {
      const r = await request(url + '/readyz', { dispatcher });
      await r.body.text();
      if (r.statusCode === 200) return Date.now() - t0;
    } catch { /* not yet */ }
    if (Date.now() - t0 > ms) throw new Error('wharf-api did not get ready');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Starts wharf-api, measures the time to /readyz and its RSS, optionally saves a snapshot, stops it. */
const home = mkdtempSync(join(tmpdir(), 'wharf-hbench-'));
async function coldStart(natsUrl, args, { saveSnapshot = false } = {}) {
  const port = await freePort();
  const t0 = Date.now();
  const p = spawn(process.execPath, [join(ROOT, 'packages/api/bin/wharf-api.js'), '--nats', natsUrl, '--cluster', cluster, '--listen', `127.0.0.1:${port}`, '--insecure-http', ...args], {
    env: { ...process.env, HOME: home, WHARF_CONFIG: join(home, 'config'), WHARF_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
  const ms = await waitReady(url, undefined, t0);
  const rss = rssOf(p.pid);
  let snapMs;
  if (saveSnapshot) {
    const token = JSON.parse(readFileSync(join(home, 'config'), 'utf8')).token;
    const s0 = Date.now();
    const r = await request(url + '/wharf/v1/snapshots', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await r.body.text();
    snapMs = Date.now() - s0;
  }
  return { ms, rss, snapMs };
  } finally {
    await new Promise((r) => { if (p.exitCode !== null) r(); p.once('exit', r); p.kill('SIGTERM'); });
  }
}

const nats = await startNats();
try {
  const store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'bench' });
  // 1. Write the log: P creations, then N-P updates of random pods, many publishes in flight.
  const t0 = Date.now();
  const versions = new Uint32Array(P);
  let inflight = [];
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const creating = i < P;
    const k = creating ? i : Math.floor(Math.random() * P);
    const v = creating ? 0 : ++versions[k];
    const data = podData(k, v);
    const payload = JSON.stringify({ type: creating ? 'PodCreated' : 'PodStatusUpdated', data, metadata: { actor: creating ? 'system:replication-controller' : 'system:node:node-1', time: new Date().toISOString(), cause: 1 } });
    bytes += payload.length;
    inflight.push(store.js.publish(`wharf.${cluster}.obj.pod.default.${data.metadata.name}`, payload));
    if (inflight.length >= 4000) {
      await Promise.all(inflight);
      inflight = [];
    }
  }
  await Promise.all(inflight);
  const writeS = (Date.now() - t0) / 1000;
  row({ what: `write ${N} events (${P} pods), ~${fmt(bytes / N, 0)} B each`, value: `${fmt(N / writeS, 0)} events/s`, note: `${fmt(writeS, 1)} s` });

  // 2. Raw ordered-consumer rate: no parsing, no folding (the limit).
  const { last } = await store.bounds();
  let t = Date.now();
  const c = await store.js.consumers.get(store.subjects.stream, { filter_subjects: store.subjects.allObjects });
  const msgs = await c.consume({ max_messages: 2048, expires: 5000 });
  for await (const m of msgs) if (m.seq >= last) break;
  msgs.stop();
  const rawRate = last / ((Date.now() - t) / 1000);
  row({ what: 'raw JetStream ordered consumer (limit)', value: `${fmt(rawRate, 0)} events/s`, note: `${fmt((Date.now() - t) / 1000, 1)} s` });

  // 2b. The same consumer parsing each message: the practical limit of any fold.
  t = Date.now();
  const c2 = await store.js.consumers.get(store.subjects.stream, { filter_subjects: store.subjects.allObjects });
  const msgs2 = await c2.consume({ max_messages: 2048, expires: 5000 });
  for await (const m of msgs2) {
    m.json();
    if (m.seq >= last) break;
  }
  msgs2.stop();
  const parseRate = last / ((Date.now() - t) / 1000);
  row({ what: 'ordered consumer + JSON.parse', value: `${fmt(parseRate, 0)} events/s`, note: `${fmt((Date.now() - t) / 1000, 1)} s` });

  // 3. Projection replay: read, keep the newest message per subject, parse and fold those.
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  t = Date.now();
  const projection = new Projection(store);
  await projection.start();
  const projS = (Date.now() - t) / 1000;
  row({ what: 'Projection replay (compacted catch-up)', value: `${fmt(last / projS, 0)} events/s`, note: `${fmt((100 * last) / projS / rawRate, 0)}% of raw (target >= 50%), ${fmt((100 * last) / projS / parseRate, 0)}% of consumer+parse` });
  global.gc?.();
  const rss1 = process.memoryUsage().rss;
  const heap1 = process.memoryUsage().heapUsed;
  const per = (x) => mb((x * 100_000) / P);
  row({ what: `projection memory, ${projection.list('Pod').length} pods`, value: `${per(heap1 - heap0)} MB heap per 100k pods`, note: `RSS grew ${per(rss1 - rss0)} MB per 100k pods (target <= 400 MB)` });
  projection.stop();
  await store.close();

  // 4. wharf-api cold start: full replay, then from a snapshot.
  const full = await coldStart(nats.url, ['--no-snapshots']);
  row({ what: 'wharf-api cold start, full replay', value: `${fmt(full.ms / 1000, 2)} s to /readyz`, note: `RSS ${mb(full.rss)} MB` });
  const first = await coldStart(nats.url, [], { saveSnapshot: true });
  row({ what: 'saving a snapshot (POST /wharf/v1/snapshots)', value: `${fmt(first.snapMs / 1000, 2)} s`, note: '' });
  const snap = await coldStart(nats.url, []);
  row({ what: 'wharf-api cold start from a snapshot', value: `${fmt(snap.ms / 1000, 2)} s to /readyz`, note: `RSS ${mb(snap.rss)} MB (target <= 3 s)` });

  console.log(`\nWharf history benchmark — ${N} events, ${P} pods, one nats-server\n`);
  printTable(rows);
} finally {
  await nats.stop();
}
