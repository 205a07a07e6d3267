// The leader-loss part of bench/ha.mjs: under a steady retrying create load on an R3 cluster,
// SIGKILL the event log stream's leader, keep the load on, restart the killed server (the load
// still on) and time until it is a current follower of every stream; then check every
// acknowledged create through each API server.
import { request } from 'undici';
import { longestGap, retryCauses, startLoad } from './haload.mjs';
import { followsEverything, isRunning, streamLeader } from './natscluster.mjs';
import { benchPod, waitFor } from './servers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NS = '/api/v1/namespaces/default';

/**
 * Runs the leader kill and the restart on `cluster` (from natscluster.mjs) with `apis` (wharf-api
 * handles on it) and the event log `stream`; resolves the figures, never throws for a figure
 * that came out badly (a lost write is reported, not thrown).
 * o: { clients, beforeMs, afterMs, attemptTimeoutMs, budgetMs, catchupTimeoutMs, log }
 */
export async function leaderLoss(cluster, apis, stream, o) {
  const load = startLoad(apis, 'ha', { clients: o.clients, body: (name) => benchPod(name, { load: 'ha' }), path: `${NS}/pods`, attemptTimeoutMs: o.attemptTimeoutMs, budgetMs: o.budgetMs });
  let records;
  const t = {};
  const r = {};
  try {
    await sleep(o.beforeMs);
    const victim = await streamLeader(cluster, stream);
    if (!victim) throw new Error(`no member leads ${stream}`);
    r.victim = victim.name;
    o.log(`killing ${victim.name} (pid ${victim.process.pid}), the leader of ${stream}, after ${load.records.length} creates`);
    t.killed = Date.now();
    await cluster.kill(victim);
    await waitFor(async () => {
      const l = await streamLeader(cluster, stream);
      if (l && l !== victim) return (r.leader = l.name);
    }, 60000);
    t.elected = Date.now();
    o.log(`${r.leader} leads ${stream} ${t.elected - t.killed} ms after the kill (seen through /jsz)`);
    await sleep(Math.max(0, t.killed + o.afterMs - Date.now()));

    t.restarted = Date.now();
    await cluster.restart(victim);
    t.listening = Date.now();
    let last;
    await waitFor(async () => (last = await followsEverything(cluster, victim)).ok, o.catchupTimeoutMs).catch(() => {
      r.catchupError = `${victim.name} was not a current follower of every stream within ${o.catchupTimeoutMs} ms (behind: ${last?.behind.join(', ') || 'no answer'})`;
    });
    t.caughtUp = Date.now();
    r.streams = last?.streams;
    o.log(r.catchupError ?? `${victim.name} restarted: listening after ${t.listening - t.restarted} ms, a current follower of all ${last.streams} replicated streams after ${t.caughtUp - t.restarted} ms`);
    await sleep(1000);
  } finally {
    records = await load.stop();
  }
  t.ended = Date.now();
  r.t = t;
  r.creates = records.length;
  r.acked = records.filter((x) => x.status === 201);
  r.failed = records.filter((x) => x.status !== 201).map((x) => ({ name: x.name, status: x.status ?? 'no answer', attempts: x.attempts.map((a) => a.result) }));
  r.stall = longestGap(records, t.killed - 1000, t.restarted);
  r.catchupStall = longestGap(records, t.restarted, t.caughtUp);
  r.causes = retryCauses(records);
  r.retried = r.acked.filter((x) => x.attempts.length > 1).length;
  r.bad = records.flatMap((x) => x.attempts).filter((a) => a.result === 409 || a.result === 504).length;
  r.check = await checkAcked(apis, r.acked);
  r.alive = cluster.members.filter(isRunning).length;
  return r;
}

/** Lists the load's pods through each API server (until it answers) and compares them with the acknowledged creates. */
async function checkAcked(apis, acked) {
  const want = new Map(acked.map((x) => [x.name, x.uid]));
  return Promise.all(apis.map(async (api, n) => {
    let items;
    await waitFor(async () => {
      const res = await request(`${api.url}${NS}/pods?labelSelector=load%3Dha`, { headers: { authorization: `Bearer ${api.token}` }, dispatcher: api.dispatcher, signal: AbortSignal.timeout(10000) });
      const text = await res.body.text();
      if (res.statusCode === 200) return (items = JSON.parse(text).items);
    }, 30000);
    const have = new Map(items.map((p) => [p.metadata.name, p.metadata.uid]));
    const missing = [...want].filter(([name]) => !have.has(name)).map(([name]) => name);
    const otherUid = [...want].filter(([name, uid]) => have.has(name) && have.get(name) !== uid).map(([name]) => name);
    return { api: n, listed: have.size, missing, otherUid, unacked: [...have.keys()].filter((name) => !want.has(name)).length };
  }));
}
