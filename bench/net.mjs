#!/usr/bin/env node
// Pod network benchmark (issue #13), on a one-machine cluster that `wharf init` makes in a
// temporary directory (its own CA, NATS, API, reconcilers, agent and proxy; pod network
// 10.244.0.0/16, services 10.96.0.0/16):
//   - HTTP requests/s and p99 from a client pod (wrk) to one backend pod (a Node.js HTTP server):
//     straight to the backend's pod IP (the limit), through the backend's ClusterIP (wharf-proxy),
//     and through HAProxy running in a pod (the peer), in the same run, rounds interleaved;
//   - DNS lookups/s and p99 (dnsperf on the node) of the cluster DNS responder for a Service
//     name, against dnsmasq answering a name it holds in memory (the node's own caching resolver).
// Needs root, the bench packages and images, and the machine alone:
//   WHARF_BENCH_DEPS=1 bash scripts/install-deps.sh && WHARF_BENCH_IMAGES=1 bash scripts/build-images.sh
//   flock /tmp/wharf-docker-e2e.lock node bench/net.mjs [--rounds 3] [--seconds 8] [--connections 32]
// Every process, container and file it made is removed at the end, also on failure.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, pct, printTable } from './lib/stats.mjs';
import { ROOT } from './lib/servers.mjs';

const { values: o } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '32' },
    'dns-rate': { type: 'string', default: '2000' },
  },
});
const ROUNDS = Number(o.rounds);
const SECONDS = Number(o.seconds);
const CONNS = Number(o.connections);
const DNS_RATE = Number(o['dns-rate']);
const CLUSTER = 'benchnet';
const DNSMASQ_ADDR = '127.0.0.77';

if (process.getuid?.() !== 0) {
  console.error('bench/net: run as root (it runs a cluster with a pod network)');
  process.exit(1);
}
for (const [what, how] of [['wrk', 'WHARF_BENCH_IMAGES=1 bash scripts/build-images.sh'], ['haproxy', 'WHARF_BENCH_IMAGES=1 bash scripts/build-images.sh'], ['node', 'WHARF_BENCH_IMAGES=1 bash scripts/build-images.sh']]) {
  if (spawnSync('docker', ['image', 'inspect', `wharf.local/${what}:1`], { stdio: 'ignore' }).status !== 0) {
    console.error(`bench/net: image wharf.local/${what}:1 is missing: ${how}`);
    process.exit(1);
  }
}
for (const bin of ['dnsperf', 'dnsmasq']) {
  if (spawnSync('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`], { stdio: 'ignore' }).status !== 0) {
    console.error(`bench/net: ${bin} is missing: WHARF_BENCH_DEPS=1 bash scripts/install-deps.sh`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-net-'));
const home = join(dir, 'home');
mkdirSync(home);
const dirs = ['--config-dir', join(dir, 'etc'), '--data-dir', join(dir, 'var')];
const env = { ...process.env, HOME: home, WHARF_CONFIG: join(home, '.wharf/config') };
const cli = join(ROOT, 'packages/cli/bin/wharf.js');
const wharf = (...args) => execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
const apply = (yaml) => execFileSync(process.execPath, [cli, 'apply', '-f', '-'], { env, input: yaml, encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dnsmasq;

async function until(what, check, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = check();
      if (v) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`bench/net: ${what} did not happen within ${ms / 1000} s`);
    await sleep(250);
  }
}

const pod = (name) => JSON.parse(wharf('get', 'pod', name, '-o', 'json'));
const runningIp = (name) => {
  const p = pod(name);
  return p.status?.phase === 'Running' && p.status.podIP ? p.status.podIP : undefined;
};
/** The id of the pod's container named `container`. */
const containerOf = (podName, container) =>
  execFileSync('docker', ['ps', '-q', '--filter', `label=wharf.cluster=${CLUSTER}`, '--filter', `label=wharf.pod=${podName}`, '--filter', `label=wharf.container=${container}`], { encoding: 'utf8' }).trim().split('\n')[0];
/** Refuses to send to an address that does not lead to a link this benchmark's cluster made. */
function assertOwnRoute(ip) {
  const r = execFileSync('ip', ['route', 'get', ip], { encoding: 'utf8' });
  if (!/ dev wharf|^local /.test(r)) throw new Error(`bench/net: ${ip} does not lead to a Wharf link: ${r.trim()}`);
}

/** wrk's requests/s and 99th percentile (ms) from the client pod to `url`. */
function wrk(client, url) {
  const out = execFileSync('docker', ['exec', client, 'wrk', '-t2', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out)?.[0];
  return { rps, p99, errors };
}

/** dnsperf against `server` for `name`: the peak rate, then p99 (ms) at a fixed rate. */
function dnsperf(server, name) {
  const file = join(dir, `q-${server}`);
  writeFileSync(file, `${name} A\n`);
  const peak = execFileSync('dnsperf', ['-s', server, '-d', file, '-l', String(SECONDS), '-c', '4', '-q', '200'], { encoding: 'utf8' });
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(peak)?.[1]);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(peak)?.[1]);
  const fixed = execFileSync('dnsperf', ['-s', server, '-d', file, '-l', String(SECONDS), '-Q', String(DNS_RATE), '-v'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const lat = [...fixed.matchAll(/^> \S+ .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000);
  return { qps, lost, p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length };
}

const BACKEND = `
apiVersion: v1
kind: Pod
metadata: { name: backend, labels: { app: backend } }
spec:
  containers:
  - name: http
    image: wharf.local/node:1
    command: [node, -e, "require('http').createServer((q, s) => s.end(require('os').hostname())).listen(3000)"]
    ports: [{ containerPort: 3000, name: http }]
---
apiVersion: v1
kind: Service
metadata: { name: backend }
spec:
  selector: { app: backend }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  containers:
  - { name: wrk, image: wharf.local/wrk:1, command: [sleep, '86400'] }
`;

const haproxyPod = (cfgDir) => `
apiVersion: v1
kind: Pod
metadata: { name: haproxy }
spec:
  volumes: [{ name: cfg, hostPath: { path: ${cfgDir} } }]
  containers:
  - name: haproxy
    image: wharf.local/haproxy:1
    command: [haproxy, -f, /cfg/haproxy.cfg]
    ports: [{ containerPort: 8080 }]
    volumeMounts: [{ name: cfg, mountPath: /cfg }]
`;

async function main() {
  console.error('bench/net: wharf init (one machine, 127.0.0.1)');
  wharf('init', '--advertise-address', '127.0.0.1', '--node-name', 'bench-1', '--cluster', CLUSTER, '--api-port', '16443', '--nats-port', '14222', '--schedulable', ...dirs);
  apply(BACKEND);
  const backendIp = await until('backend Running', () => runningIp('backend'));
  await until('client Running', () => runningIp('client'));
  const svc = JSON.parse(wharf('get', 'svc', 'backend', '-o', 'json'));
  const clusterIp = svc.spec.clusterIP;
  const cfgDir = join(dir, 'haproxy');
  mkdirSync(cfgDir);
  writeFileSync(join(cfgDir, 'haproxy.cfg'), [
    'global', '  maxconn 4096', 'defaults', '  mode tcp', '  timeout connect 1s', '  timeout client 30s', '  timeout server 30s',
    'listen backend', '  bind :8080', '  balance roundrobin', `  server b1 ${backendIp}:3000`, '',
  ].join('\n'));
  apply(haproxyPod(cfgDir));
  const haproxyIp = await until('haproxy Running', () => runningIp('haproxy'));
  for (const ip of [backendIp, clusterIp, haproxyIp]) assertOwnRoute(ip);
  const client = containerOf('client', 'wrk');
  const targets = [
    ['the backend pod IP directly (the limit)', `http://${backendIp}:3000/`],
    ['ClusterIP through wharf-proxy', `http://${clusterIp}/`],
    ['peer: HAProxy in a pod (tcp mode)', `http://${haproxyIp}:8080/`],
  ];
  await until('the ClusterIP answering', () => wrkOnce(client, targets[1][1]));
  wrk(client, targets[0][1]); // warm-up
  const results = new Map(targets.map(([what]) => [what, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [what, url] of targets) {
      const x = wrk(client, url);
      results.get(what).push(x);
      console.error(`  round ${r + 1}: ${what}: ${fmt(x.rps, 0)} req/s, p99 ${fmt(x.p99, 2)} ms${x.errors ? ` (${x.errors})` : ''}`);
    }
  }

  const dnsIp = (await clusterInfo()).clusterDNS ?? '10.96.0.10';
  assertOwnRoute(dnsIp);
  dnsmasq = spawn('dnsmasq', ['--no-daemon', '--port', '53', `--listen-address=${DNSMASQ_ADDR}`, '--bind-interfaces', '--no-resolv', '--no-hosts', '--cache-size=1000', '--host-record=cached.bench.test,10.1.2.3'], { stdio: 'ignore' });
  await sleep(500);
  const dns = [
    ['cluster DNS (wharf-proxy): backend.default.svc.cluster.local', dnsperf(dnsIp, 'backend.default.svc.cluster.local')],
    ['peer: dnsmasq, a name it holds in memory', dnsperf(DNSMASQ_ADDR, 'cached.bench.test')],
  ];

  const median = (xs, k) => pct(xs.map((x) => x[k]), 50);
  console.log(`\nWharf pod network benchmark — one machine, wrk -t2 -c${CONNS} -d${SECONDS}s from a pod, ${ROUNDS} rounds interleaved (medians)\n`);
  printTable(targets.map(([what]) => ({ path: what, 'req/s': fmt(median(results.get(what), 'rps'), 0), 'p99 ms': fmt(median(results.get(what), 'p99'), 2) })));
  console.log(`\nDNS from the node: dnsperf -c 4 for ${SECONDS} s (peak), then -Q ${DNS_RATE} (latency)\n`);
  printTable(dns.map(([what, d]) => ({ server: what, 'peak q/s': fmt(d.qps, 0), lost: d.lost, [`p50 ms @${DNS_RATE}/s`]: fmt(d.p50, 3), [`p99 ms @${DNS_RATE}/s`]: fmt(d.p99, 3) })));
}

/** The API's public /cluster-info, over TLS verified with the cluster CA. */
async function clusterInfo() {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: readFileSync(join(dir, 'etc/pki/ca.crt')) } });
  const r = await request('https://127.0.0.1:16443/cluster-info', { dispatcher });
  const body = await r.body.json();
  await dispatcher.close();
  return body;
}

function wrkOnce(client, url) {
  return spawnSync('docker', ['exec', client, 'wrk', '-t1', '-c1', '-d1s', url], { encoding: 'utf8' }).stdout.includes('Requests/sec');
}

try {
  await main();
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
} finally {
  if (dnsmasq && dnsmasq.exitCode === null) dnsmasq.kill('SIGTERM');
  spawnSync(process.execPath, [cli, 'reset', ...dirs], { env, stdio: 'ignore' });
  const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=wharf.cluster=${CLUSTER}`], { encoding: 'utf8' }).stdout.trim();
  if (left) spawnSync('docker', ['rm', '-f', ...left.split('\n')], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
