#!/usr/bin/env node
// API benchmark (issue: the event-sourced core). Measures, in one run against one local
// nats-server: raw JetStream acked publishes (the limit), API creates and gets per second with
// p50/p99 at a fixed concurrency, and create latency at a paced 500 creates/s.
//   node bench/api.mjs [--concurrency 32] [--n 4000] [--rounds 3] [--warmup 2000] [--sync always|2m]
// The cost of authorization: creates go, in turn, through a wharf-api with
// --authorization-mode AlwaysAllow, and through one with RBAC (the default) as the cluster admin
// (group system:masters: the first built-in binding allows) and as an ordinary `edit` user whose
// binding is found among 50 other users' (what RBAC searches for most users).
// The cost of TLS + permissions on NATS: a fourth wharf-api, as cluster-admin, talks to its own
// nats-server secured as `wharf init` makes it (TLS with client certificates required, operator
// and account JWTs, the api user's permissions), with the same sync_interval as the plain one.
// Both sides are warmed up first (connections, and the JIT of wharf-api, which otherwise spends
// a third of its CPU compiling during a short run). Then raw publishes and API creates alternate
// for --rounds rounds, so that a drift of the machine (disk, other load) touches both alike; the
// ratio is taken between the medians. The load generator is lean (undici dispatch, no response
// streams): it shares the 2 cores with the servers it measures. Each row also shows the CPU
// milliseconds per operation of each process, from /proc. WHARF_BENCH_PROFILE=DIR profiles
// wharf-api (--cpu-prof), WHARF_BENCH_NODE_ARGS passes other node flags to it (e.g. --trace-gc).
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closedLoop, fmt, openLoop, printTable } from './lib/stats.mjs';
import { apiClient, benchPod, leanCaller, startApi, startNats } from './lib/servers.mjs';
import { startSecureNats } from './lib/secure.mjs';
import { withCpu } from './lib/cpu.mjs';

const cpuCols = (r, names) => Object.fromEntries(names.map((k, i) => [`${k} cpu ms/op`, r.cpu?.[i] === undefined ? '-' : fmt(r.cpu[i], 3)]));

const { values: o } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    n: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2000' },
    sync: { type: 'string' },
    rate: { type: 'string', default: '500' },
  },
});
const C = Number(o.concurrency);
const NAMES = ['client', 'wharf-api', 'nats-server'];
const N = Number(o.n);
const ROUNDS = Number(o.rounds);
const WARMUP = Number(o.warmup);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
// Everything started is stopped, in reverse order, even when a step fails.
const started = [];
const track = async (server) => (started.push(server), server);
try {
  const nats = await track(await startNats({ sync: o.sync }));
  const snats = await track(await startSecureNats({ cluster: 'bench-secure', sync: o.sync }));
  // The limit: acknowledged JetStream publishes of a pod-sized event, each to its own subject
  // with an expected-last-subject-sequence check, as the API's appends are.
  const nc = await connect({ servers: nats.url });
  await track({ stop: () => nc.close() });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'RAW', subjects: ['raw.>'], storage: 'file' });
  const js = jetstream(nc);
  const payload = JSON.stringify({ type: 'PodCreated', data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x'.repeat(20), namespace: 'default', uid: 'u'.repeat(36) }, spec: { containers: [{ name: 'c', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] }] } }, metadata: { actor: 'admin', time: new Date().toISOString() } });
  let rawSubject = 0;
  const publishRaw = (n) => closedLoop(n, C, () => js.publish(`raw.p.${rawSubject++}`, payload, { expect: { lastSubjectSequence: 0 } }));

  const api = await track(await startApi(nats.url));
  const open = await track(await startApi(nats.url, 'bench-open', undefined, ['--authorization-mode', 'AlwaysAllow']));
  const secure = await track(await startApi(snats.url, 'bench-secure', undefined, await snats.flags('api')));
  const { call: asAdmin } = apiClient(api);
  for (let i = 0; i < 50; i++) await asAdmin('POST', '/apis/wharf.io/v1/tokens', { user: `user-${i}`, role: 'view', namespace: `ns-${i}` });
  const editor = (await asAdmin('POST', '/apis/wharf.io/v1/tokens', { user: 'bench-editor', role: 'edit' })).token;
  const variants = [
    { name: 'RBAC, cluster-admin', prefix: 'a', api, call: leanCaller(api) },
    { name: 'RBAC, edit user', prefix: 'e', api, call: leanCaller({ ...api, token: editor }) },
    { name: 'AlwaysAllow', prefix: 'o', api: open, call: leanCaller(open) },
    { name: 'RBAC, cluster-admin, secured NATS', prefix: 's', api: secure, call: leanCaller(secure), nats: snats },
  ].map((v) => ({ nats, ...v, made: 0, creates: [], cpus: [] }));
  const createPods = (v, n) => closedLoop(n, C, () => v.call('POST', '/api/v1/namespaces/default/pods', benchPod(`${v.prefix}-${v.made++}`)));
  const getPods = (v, n) => closedLoop(n, C, (i) => v.call('GET', `/api/v1/namespaces/default/pods/${v.prefix}-${i % v.made}`));

  await publishRaw(Math.min(WARMUP, 1000));
  for (const v of variants) {
    await createPods(v, WARMUP);
    await getPods(v, WARMUP);
  }

  const raws = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const raw = await withCpu([nats.pid], N, () => publishRaw(N));
    raws.push(raw.rate);
    rows.push({ what: `round ${r}: JetStream acked publish (c=${C})`, 'ops/s': fmt(raw.rate, 0), 'p50 ms': fmt(raw.p50, 2), 'p99 ms': fmt(raw.p99, 2), ...cpuCols({ cpu: [raw.cpu[0], undefined, raw.cpu[1]] }, NAMES) });
    // The variants take turns in a rotating order, so that none always runs first or last.
    for (const v of variants.map((_, i) => variants[(i + r - 1) % variants.length])) {
      const created = await withCpu([v.api.pid, v.nats.pid], N, () => createPods(v, N));
      v.creates.push(created.rate);
      v.cpus.push(created.cpu);
      rows.push({ what: `round ${r}: API create, ${v.name} (c=${C})`, 'ops/s': fmt(created.rate, 0), 'p50 ms': fmt(created.p50, 2), 'p99 ms': fmt(created.p99, 2), ...cpuCols(created, NAMES) });
    }
  }
  for (const v of variants) {
    const gets = await withCpu([v.api.pid, v.nats.pid], N, () => getPods(v, N));
    rows.push({ what: `API get, ${v.name} (c=${C})`, 'ops/s': fmt(gets.rate, 0), 'p50 ms': fmt(gets.p50, 2), 'p99 ms': fmt(gets.p99, 2), ...cpuCols(gets, NAMES) });
  }
  const rate = Number(o.rate);
  const paced = await openLoop(rate, 5, (i) => variants[0].call('POST', '/api/v1/namespaces/default/pods', benchPod(`paced-${i}`)));
  rows.push({ what: `API create paced at ${rate}/s, RBAC cluster-admin`, 'ops/s': fmt(paced.rate, 0), 'p50 ms': fmt(paced.p50, 2), 'p99 ms': fmt(paced.p99, 2), ...cpuCols({}, NAMES) });

  console.log(`\nWharf API benchmark — nats-server sync_interval: ${o.sync ?? 'default'}, ${N} ops per row, after ${WARMUP} warm-up ops\n`);
  printTable(rows);
  const creates = variants[0].creates;
  const ratio = (100 * median(creates)) / median(raws);
  console.log(`\ncreate throughput (RBAC, cluster-admin) / raw JetStream acked publish (medians of ${ROUNDS} rounds: ${fmt(median(creates), 0)} / ${fmt(median(raws), 0)}): ${fmt(ratio, 0)}% (target >= 50%)`);
  console.log(`per round: ${raws.map((r, i) => `${fmt((100 * creates[i]) / r, 0)}%`).join(', ')}`);
  const base = median(variants[2].creates);
  console.log(`cost of authorization on creates/s (medians): AlwaysAllow ${fmt(base, 0)}; ${variants.slice(0, 2).map((v) => `${v.name} ${fmt(median(v.creates), 0)} (${fmt((100 * (median(v.creates) - base)) / base, 1)}%)`).join('; ')}`);
  const plain = median(variants[0].creates);
  const secured = median(variants[3].creates);
  console.log(`cost of TLS + permissions on NATS on creates/s (medians, RBAC cluster-admin): plain NATS ${fmt(plain, 0)}; TLS + JWT user with the api permissions ${fmt(secured, 0)} (${fmt((100 * (secured - plain)) / plain, 1)}%)`);
  // CPU per create is steadier than the rate on a shared machine (the rate also moves with the disk and other load).
  const cpuPerCreate = (v) => NAMES.slice(1).map((k, i) => `${k} ${fmt(median(v.cpus.map((c) => c[i + 1])), 3)}`).join(' + ');
  console.log(`CPU ms per create (medians of ${ROUNDS} rounds): ${variants.map((v) => `${v.name}: ${cpuPerCreate(v)}`).join('; ')}`);
  console.log(`create p99 at ${rate}/s: ${fmt(paced.p99, 2)} ms (target <= 20 ms)`);
} finally {
  for (const s of started.reverse()) await s.stop().catch((e) => console.error(`stopping a server: ${e.message}`));
}
