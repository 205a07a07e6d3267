#!/usr/bin/env node
// High-availability benchmark (issue #15), in one run on loopback:
// 1. The create rate on an R3 event log (three nats-servers clustered on 127.0.0.1, wharf-api
//    --replicas 3) against an R1 one (one nats-server, wharf-api --replicas 1), with bench/api.mjs'
//    client (undici dispatch, a fixed concurrency, its pod): rounds interleaved in a rotating
//    order, medians; raw JetStream acked publishes on each (R1 and R3 streams) as the limit.
// 2. The write stall on leader loss: a steady create load from careful clients (retried with the
//    same body through errors, timeouts, 503 and 504, on the other API server) on two wharf-api
//    processes of the R3 cluster; the event log stream's leader is SIGKILLed; the longest time
//    with no create acknowledged, the creates that failed after the client's retries, and whether
//    every acknowledged create is listed afterwards, with its uid, by both API servers.
// 3. Catch-up: the killed server is restarted (the load still on) and timed until every stream's
//    leader reports it a current follower (/jsz), and the meta group's leader too.
//   flock /tmp/wharf-docker-e2e.lock node bench/ha.mjs [--sync always] [--concurrency 32] [--n 4000]
//     [--rounds 3] [--warmup 2000] [--clients 6] [--before 3] [--after 15]
// Every process it started is stopped by PID at the end, also on failure.
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closedLoop, fmt, printTable } from './lib/stats.mjs';
import { benchPod, leanCaller, startApi, startNats } from './lib/servers.mjs';
import { withCpu } from './lib/cpu.mjs';
import { startNatsCluster } from './lib/natscluster.mjs';
import { leaderLoss } from './lib/hakill.mjs';

const { values: o } = parseArgs({
  options: {
    sync: { type: 'string', default: 'always' },
    concurrency: { type: 'string', default: '32' },
    n: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '6' },
    before: { type: 'string', default: '3' },
    after: { type: 'string', default: '15' },
  },
});
const C = Number(o.concurrency);
const N = Number(o.n);
const ROUNDS = Number(o.rounds);
const WARMUP = Number(o.warmup);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line) => console.log(`bench/ha: ${line}`);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

const started = [];
const track = (server) => (started.push(server), server);
/** Stops everything started, the last first, each once. */
const stopAll = async () => {
  while (started.length) await started.pop().stop().catch((e) => console.error(`stopping a server: ${e.message}`));
};
// Interrupted (Ctrl-C, a timeout's SIGTERM): stop what was started before exiting.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stopAll().finally(() => process.exit(130)));
let failed = false;
try {
  const r1 = track(await startNats({ sync: o.sync }));
  const r3 = track(await startNatsCluster({ size: 3, sync: o.sync }));
  const payload = JSON.stringify({ type: 'PodCreated', data: benchPod('x'.repeat(20)), metadata: { actor: 'admin', time: new Date().toISOString() } });
  // One side per event log: its raw publisher (the limit) and its wharf-api.
  const side = async (name, nats, replicas, natsPids) => {
    const nc = await connect({ servers: nats.url.split(',') });
    track({ stop: () => nc.close() });
    await (await jetstreamManager(nc)).streams.add({ name: 'RAW', subjects: ['raw.>'], storage: 'file', num_replicas: replicas });
    const js = jetstream(nc);
    let subject = 0;
    const api = track(await startApi(nats.url, `bench-r${replicas}`, undefined, ['--replicas', String(replicas)]));
    const call = leanCaller(api);
    let made = 0;
    return {
      name, api, natsPids, raws: [], creates: [], cpus: [],
      publish: (n) => closedLoop(n, C, () => js.publish(`raw.p.${subject++}`, payload, { expect: { lastSubjectSequence: 0 } })),
      create: (n) => closedLoop(n, C, () => call('POST', '/api/v1/namespaces/default/pods', benchPod(`${name}-${made++}`))),
    };
  };
  const sides = [await side('r1', r1, 1, () => [r1.pid]), await side('r3', r3, 3, () => r3.pids)];
  log(`R1: one nats-server (pid ${r1.pid}); R3: ${r3.members.map((m) => `${m.name} (pid ${m.process.pid})`).join(', ')}; sync_interval ${o.sync}`);
  for (const s of sides) {
    await s.publish(Math.min(WARMUP, 1000));
    await s.create(WARMUP);
  }

  const rows = [];
  const cols = (x, cpu) => ({ 'ops/s': fmt(x.rate, 0), 'p50 ms': fmt(x.p50, 2), 'p99 ms': fmt(x.p99, 2), ...cpu });
  for (let r = 1; r <= ROUNDS; r++) {
    // R1 first in odd rounds, R3 first in even ones.
    for (const s of r % 2 ? sides : [...sides].reverse()) {
      const nats = s.natsPids();
      const raw = await withCpu(nats, N, () => s.publish(N));
      s.raws.push(raw.rate);
      rows.push({ what: `round ${r}: JetStream acked publish, ${s.name.toUpperCase()} (c=${C})`, ...cols(raw, { 'client cpu ms/op': fmt(raw.cpu[0], 3), 'wharf-api cpu ms/op': '-', 'nats-server(s) cpu ms/op': fmt(sum(raw.cpu.slice(1)), 3) }) });
      const made = await withCpu([s.api.pid, ...nats], N, () => s.create(N));
      s.creates.push(made.rate);
      s.cpus.push([made.cpu[1], sum(made.cpu.slice(2))]);
      rows.push({ what: `round ${r}: API create, ${s.name.toUpperCase()} (c=${C})`, ...cols(made, { 'client cpu ms/op': fmt(made.cpu[0], 3), 'wharf-api cpu ms/op': fmt(made.cpu[1], 3), 'nats-server(s) cpu ms/op': fmt(sum(made.cpu.slice(2)), 3) }) });
    }
  }
  console.log(`\nWharf HA benchmark — R1 against R3 event log, sync_interval ${o.sync}, ${N} ops per row, after ${WARMUP} warm-up creates\n`);
  printTable(rows);
  const [a, b] = sides;
  const pctOf = (x, y) => fmt((100 * x) / y, 0);
  console.log(`\ncreates/s (medians of ${ROUNDS} rounds): R1 ${fmt(median(a.creates), 0)}, R3 ${fmt(median(b.creates), 0)}: R3 at ${pctOf(median(b.creates), median(a.creates))}% of R1`);
  console.log(`raw acked publishes/s (medians): R1 ${fmt(median(a.raws), 0)}, R3 ${fmt(median(b.raws), 0)}: R3 at ${pctOf(median(b.raws), median(a.raws))}% of R1`);
  console.log(`per round, R3/R1 creates: ${a.creates.map((x, i) => `${pctOf(b.creates[i], x)}%`).join(', ')}`);
  const cpu = (s) => `wharf-api ${fmt(median(s.cpus.map((c) => c[0])), 3)} + nats-server(s) ${fmt(median(s.cpus.map((c) => c[1])), 3)}`;
  console.log(`CPU ms per create (medians): R1 ${cpu(a)}; R3 ${cpu(b)}`);

  // A second API server on the R3 cluster (the first one's home: same CA and admin token).
  const api2 = track(await startApi(r3.url, 'bench-r3', b.api.home, ['--replicas', '3']));
  console.log(`\nleader loss on R3: ${o.clients} clients creating through 2 wharf-api processes, the event log leader SIGKILLed after ${o.before} s, restarted ${o.after} s after the kill\n`);
  const k = await leaderLoss(r3, [b.api, api2], 'WHARF_BENCH_R3_EVENTS', {
    clients: Number(o.clients), beforeMs: 1000 * Number(o.before), afterMs: 1000 * Number(o.after),
    attemptTimeoutMs: 4000, budgetMs: 60000, catchupTimeoutMs: 120000, log,
  });
  const t = k.t;
  console.log(`\n${k.creates} creates, ${k.acked.length} acknowledged (201), ${k.retried} of them after a retry; retried attempts by cause: ${[...k.causes].map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}`);
  printTable([
    { what: `write stall: longest time with no create acknowledged (from 1 s before the kill of ${k.victim} to its restart)`, value: `${fmt(k.stall.ms / 1000, 2)} s (from ${fmt(Math.round((k.stall.since - t.killed) / 10) / 100 || 0, 2)} s after the kill)` },
    { what: `new stream leader (${k.leader}) seen through /jsz`, value: `${fmt((t.elected - t.killed) / 1000, 2)} s after the kill` },
    { what: 'creates failed after the client retries (60 s budget each)', value: `${k.failed.length} of ${k.creates}` },
    { what: 'attempts answered 409 or 504', value: String(k.bad) },
    ...k.check.map((c) => ({ what: `acknowledged creates listed by api${c.api} with their uid`, value: `${k.acked.length - c.missing.length - c.otherUid.length} of ${k.acked.length} (missing ${c.missing.length}, another uid ${c.otherUid.length}; ${c.unacked} listed without a 201)` })),
    { what: `catch-up: ${k.victim} restarted → listening`, value: `${fmt((t.listening - t.restarted) / 1000, 2)} s` },
    { what: `catch-up: ${k.victim} restarted → current follower holding every stream (${k.streams ?? '?'}) up to its leader's last sequence, and in the meta group`, value: k.catchupError ? 'not within 120 s' : `${fmt((t.caughtUp - t.restarted) / 1000, 2)} s` },
    { what: 'longest time with no create acknowledged during the catch-up', value: `${fmt(k.catchupStall.ms / 1000, 2)} s` },
  ]);
  if (k.failed.length) console.log(`failed creates: ${JSON.stringify(k.failed.slice(0, 10))}${k.failed.length > 10 ? ' ...' : ''}`);
  if (k.catchupError) console.log(`FAILED: ${k.catchupError}`);
  const lost = k.check.filter((c) => c.missing.length || c.otherUid.length);
  if (lost.length) console.log(`FAILED: acknowledged creates missing or changed: ${lost.map((c) => `api${c.api}: ${[...c.missing, ...c.otherUid].slice(0, 10).join(', ')}`).join('; ')}`);
  failed = Boolean(k.catchupError || lost.length);
} catch (e) {
  failed = true;
  console.error(`bench/ha: ${e.stack ?? e}`);
} finally {
  await stopAll();
}
process.exit(failed ? 1 : 0);
