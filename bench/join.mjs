#!/usr/bin/env node
// Multi-machine benchmark (issue #16): on three simulated hosts (network namespaces with a dockerd
// each, test/harness/hosts.ts), the time from `wharf join` to the node Ready (as the control plane
// sees it, and the command's own exit), repeated with `wharf reset` in between; the time from a
// worker cut off to its RC pods Running on the other worker, read against the node monitor grace
// period and pod eviction timeout it ran with; and Docker Swarm's `swarm join` to node ready on
// the same hosts, as the peer. Needs root; run it alone:
//   flock /tmp/wharf-docker-e2e.lock node bench/join.mjs [--repeats 3] [--replicas 4] [--grace 10s] [--eviction 20s] [--no-swarm]
// The harness is TypeScript, so the measuring runs in vitest (bench/multihost/join.run.ts) and
// this script prints what it wrote. Every namespace, dockerd, container and process it made is
// removed at the end, also on failure (and swept by the next run if this one was killed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, pct, printTable } from './lib/stats.mjs';
import { ROOT } from './lib/servers.mjs';

const { values: o } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    replicas: { type: 'string', default: '4' },
    grace: { type: 'string', default: '10s' },
    eviction: { type: 'string', default: '20s' },
    'no-swarm': { type: 'boolean', default: false },
  },
});
const settings = { repeats: Number(o.repeats), replicas: Number(o.replicas), grace: o.grace, eviction: o.eviction, swarm: !o['no-swarm'] };
const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-join-'));
const out = join(dir, 'result.json');
const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT, 'bench/multihost/vitest.config.mjs')], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, WHARF_BENCH_JOIN: JSON.stringify(settings), WHARF_BENCH_OUT: out },
});
let r;
try {
  r = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.error(`bench/join: no results (vitest exit ${run.status ?? run.signal})`);
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms) => fmt(ms / 1000, 2);
const summary = (xs) => ({ n: xs.length, 'median s': s(pct(xs, 50)), 'max s': s(Math.max(...xs)), 'min s': s(Math.min(...xs)) });
console.log(`\nWharf multi-machine benchmark — 3 simulated hosts (netns + dockerd each), h0 control plane, ${settings.repeats} rounds of 2 joins\n`);
if (r.initMs !== undefined) console.log(`wharf init on h0 to its node Ready and the join command printed: ${s(r.initMs)} s\n`);
const rows = [];
if (r.joins.length) {
  rows.push({ what: 'wharf join → node Ready (seen by the control plane)', ...summary(r.joins.map((j) => j.readyMs)) });
  rows.push({ what: 'wharf join → command exits (it waits for Ready)', ...summary(r.joins.map((j) => j.exitMs)) });
}
if (r.swarm?.length) {
  rows.push({ what: 'peer: docker swarm join → node ready (on the manager)', ...summary(r.swarm.map((j) => j.readyMs)) });
  rows.push({ what: 'peer: docker swarm join → call returns', ...summary(r.swarm.map((j) => j.returnMs)) });
}
if (rows.length) printTable(rows);
console.log(`per join (s): ${r.joins.map((j) => `${j.rep}/${j.host} ${s(j.readyMs)}`).join(', ')}`);
if (r.swarm?.length) console.log(`per swarm join (s): ${r.swarm.map((j) => `${j.rep}/${j.host} ${s(j.readyMs)}`).join(', ')}`);
if (r.swarmError) console.log(`peer: Docker Swarm failed: ${r.swarmError}`);
console.log('peer: kubeadm and k3s cannot run on this machine (no registry to pull their images, no kubelet), so there is no Kubernetes join time to compare with here.');
if (r.cut) {
  const c = r.cut;
  const floor = secs(settings.grace) + secs(settings.eviction);
  console.log(`\nhost cut-off (--node-monitor-grace-period ${settings.grace}, --pod-eviction-timeout ${settings.eviction}: floor grace + eviction = ${fmt(floor, 2)} s,`);
  console.log(`less up to one heartbeat interval (the agent's, 2 s by default) since the grace period runs from the last heartbeat before the cut)`);
  printTable([
    { 'from cutting off h2 (its veth down)': `node ${c.host} NotReady (seen by the control plane)`, s: s(c.notReadyMs) },
    { 'from cutting off h2 (its veth down)': `replacements for its ${c.podsOnHost} of ${settings.replicas} pods created`, s: s(c.replacementsCreatedMs) },
    { 'from cutting off h2 (its veth down)': 'all replacements Running and Ready on h1', s: s(c.replacedMs) },
  ]);
}
if (r.error) console.log(`\nFAILED: ${r.error}`);
process.exit(run.status === 0 && !r.error ? 0 : 1);

function secs(d) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  return m ? Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2]] : NaN;
}
