#!/usr/bin/env node
// API benchmark (issue: the event-sourced core). Measures, in one run against one local
// nats-server: raw JetStream acked publishes (the limit), API creates and gets per second with
// p50/p99 at a fixed concurrency, and create latency at a paced 500 creates/s.
//   node bench/api.mjs [--concurrency 32] [--n 4000] [--sync always|2m]
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { request } from 'undici';
import { closedLoop, fmt, openLoop, printTable } from './lib/stats.mjs';
import { startApi, startNats } from './lib/servers.mjs';

const { values: o } = parseArgs({ options: { concurrency: { type: 'string', default: '32' }, n: { type: 'string', default: '4000' }, sync: { type: 'string' }, rate: { type: 'string', default: '500' } } });
const C = Number(o.concurrency);
const N = Number(o.n);

const nats = await startNats({ sync: o.sync });
const rows = [];
try {
  // The limit: acknowledged JetStream publishes of a pod-sized event, each to its own subject
  // with an expected-last-subject-sequence check, as the API's appends are.
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'RAW', subjects: ['raw.>'], storage: 'file' });
  const js = jetstream(nc);
  const payload = JSON.stringify({ type: 'PodCreated', data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x'.repeat(20), namespace: 'default', uid: 'u'.repeat(36) }, spec: { containers: [{ name: 'c', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] }] } }, metadata: { actor: 'admin', time: new Date().toISOString() } });
  const raw = await closedLoop(N, C, (i) => js.publish(`raw.p.${i}`, payload, { expect: { lastSubjectSequence: 0 } }));
  rows.push({ what: `JetStream acked publish (c=${C})`, 'ops/s': fmt(raw.rate, 0), 'p50 ms': fmt(raw.p50, 2), 'p99 ms': fmt(raw.p99, 2) });
  await nc.close();

  const api = await startApi(nats.url);
  const headers = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const r = await request(api.url + path, { method, headers, body: body && JSON.stringify(body), dispatcher: api.dispatcher });
    await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${path}: ${r.statusCode}`);
  };
  const pod = (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] }] } });
  // Warm up connections and the JIT.
  await closedLoop(200, C, (i) => call('POST', '/api/v1/namespaces/default/pods', pod(`warm-${i}`)));
  const creates = await closedLoop(N, C, (i) => call('POST', '/api/v1/namespaces/default/pods', pod(`p-${i}`)));
  rows.push({ what: `API create (c=${C})`, 'ops/s': fmt(creates.rate, 0), 'p50 ms': fmt(creates.p50, 2), 'p99 ms': fmt(creates.p99, 2) });
  const gets = await closedLoop(N, C, (i) => call('GET', `/api/v1/namespaces/default/pods/p-${i % N}`));
  rows.push({ what: `API get (c=${C})`, 'ops/s': fmt(gets.rate, 0), 'p50 ms': fmt(gets.p50, 2), 'p99 ms': fmt(gets.p99, 2) });
  const rate = Number(o.rate);
  const paced = await openLoop(rate, 5, (i) => call('POST', '/api/v1/namespaces/default/pods', pod(`paced-${i}`)));
  rows.push({ what: `API create paced at ${rate}/s`, 'ops/s': fmt(paced.rate, 0), 'p50 ms': fmt(paced.p50, 2), 'p99 ms': fmt(paced.p99, 2) });
  await api.stop();

  console.log(`\nWharf API benchmark — nats-server sync_interval: ${o.sync ?? 'default'}, ${N} ops per row\n`);
  printTable(rows);
  console.log(`\ncreate throughput / raw JetStream acked publish: ${fmt((100 * creates.rate) / raw.rate, 0)}% (target >= 50%)`);
  console.log(`create p99 at ${rate}/s: ${fmt(paced.p99, 2)} ms (target <= 20 ms)`);
} finally {
  await nats.stop();
}
