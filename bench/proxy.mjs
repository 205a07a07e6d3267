#!/usr/bin/env node
// NodePort proxy benchmark (issue: services). HTTP requests/s and p99 latency from wrk on
// loopback, in one run, through: the backend reached directly (the limit), wharf-proxy, and
// HAProxy (Debian's, `balance roundrobin`, mode tcp) over the same backends. Two backend sets:
//   containers  the seed's microservice1 pods started by Wharf (busybox httpd: one connection per
//               request, so this measures connection set-up through the proxy)
//   node        5 keep-alive Node HTTP servers behind a selectorless Service with hand-written
//               Endpoints (measures bytes through an established connection)
// Run under the machine's Docker lock:
//   flock /tmp/wharf-docker-e2e.lock node bench/proxy.mjs [--duration 10s] [--connections 32] [--rounds 2] [--backends both|containers|node]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { printTable } from './lib/stats.mjs';
import { apiClient, freePort, ROOT, startApi, startDaemon, startNats } from './lib/servers.mjs';

const { values: o } = parseArgs({ options: { duration: { type: 'string', default: '10s' }, connections: { type: 'string', default: '32' }, threads: { type: 'string', default: '2' }, backends: { type: 'string', default: 'both' }, rounds: { type: 'string', default: '2' } } });
const CLUSTER = `bench-proxy-${process.pid}`;
const PROXY_ADDR = '127.0.0.2';
const HAPROXY_ADDR = '127.0.0.3';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const docker = new Docker();

/** Runs wrk against `url`; returns requests/s, p99 ms and error counts. */
function wrk(url, duration = o.duration) {
  const out = execFileSync('wrk', [`-t${o.threads}`, `-c${o.connections}`, `-d${duration}`, '--latency', url], { encoding: 'utf8', timeout: 120_000 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const m = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
  const p99 = m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, p99, errors };
}

async function waitFor(check, ms = 90_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(200);
  }
}

/** HAProxy in the foreground with a generated config; stopped by PID. */
function startHaproxy(port, backends) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-haproxy-'));
  const cfg = join(dir, 'haproxy.cfg');
  const servers = backends.map((b, i) => `  server b${i} ${b}`).join('\n');
  writeFileSync(cfg, `global\n  maxconn 4000\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 1s\n  timeout client 30s\n  timeout server 30s\n  retries 3\n  option redispatch\nfrontend fe\n  bind ${HAPROXY_ADDR}:${port}\n  default_backend be\nbackend be\n  balance roundrobin\n${servers}\n`);
  const p = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { stop: () => new Promise((r) => (p.exitCode !== null ? r() : (p.once('exit', r), p.kill('SIGTERM')))) };
}

/** Five keep-alive HTTP servers on loopback in a child process; resolves with their ports. */
async function startNodeBackends() {
  const ports = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
  const code = `const http=require('http');for(const [i,p] of ${JSON.stringify(ports)}.entries())http.createServer((q,r)=>r.end('backend-'+i+'\\n')).listen(p,'127.0.0.1');`;
  const p = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
  await sleep(500);
  return { ports, stop: () => new Promise((r) => (p.once('exit', r), p.kill('SIGTERM'))) };
}

async function measure(label, backends, nodePort, rows) {
  const hport = await freePort();
  const ha = startHaproxy(hport, backends);
  await sleep(500);
  const direct = `http://${backends[0]}/`;
  const targets = [['direct (one backend, the limit)', direct], ['wharf-proxy', `http://${PROXY_ADDR}:${nodePort}/`], ['haproxy (tcp, roundrobin)', `http://${HAPROXY_ADDR}:${hport}/`]];
  const res = {};
  for (const [, url] of targets) wrk(url, '2s'); // warm-up (JIT, connection tables)
  // Interleaved rounds, averaged: the machine's noise hits every path alike.
  for (let round = 0; round < Number(o.rounds); round++) {
    for (const [what, url] of targets) {
      const r = wrk(url);
      const acc = (res[what] ??= { rps: 0, p99: 0, errors: 0, n: 0 });
      acc.rps += r.rps;
      acc.p99 += r.p99;
      acc.errors += r.errors;
      acc.n++;
    }
  }
  for (const [what] of targets) {
    const r = res[what];
    r.rps /= r.n;
    r.p99 /= r.n;
    rows.push({ backends: label, path: what, 'req/s': r.rps.toFixed(0), 'p99 ms': r.p99.toFixed(2), errors: r.errors });
  }
  await ha.stop();
  const w = res['wharf-proxy'];
  const h = res['haproxy (tcp, roundrobin)'];
  rows.push({ backends: label, path: 'wharf-proxy / haproxy', 'req/s': `${((100 * w.rps) / h.rps).toFixed(0)}%`, 'p99 ms': `${(w.p99 / h.p99).toFixed(2)}x`, errors: '' });
}

const nats = await startNats();
const api = await startApi(nats.url, CLUSTER);
const { call } = apiClient(api);
const daemons = [
  startDaemon('reconcilers', ['--nats', nats.url, '--cluster', CLUSTER]),
  startDaemon('agent', ['--nats', nats.url, '--cluster', CLUSTER, '--node', 'bench-1', '--address', '127.0.0.1', '--state-dir', mkdtempSync(join(tmpdir(), 'wharf-bench-agent-'))]),
  startProxy(),
];

/** wharf-proxy for the node; with WHARF_BENCH_PROFILE=DIR it writes a CPU profile there. */
function startProxy() {
  const prof = process.env.WHARF_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WHARF_BENCH_PROFILE}`] : [];
  const p = spawn(process.execPath, [...prof, join(ROOT, 'packages/proxy/bin/wharf-proxy.js'), '--nats', nats.url, '--cluster', CLUSTER, '--node', 'bench-1', '--address', PROXY_ADDR], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WHARF_LOG_LEVEL: 'warn' } });
  return { stop: () => new Promise((r) => (p.exitCode !== null ? r() : (p.once('exit', r), p.kill('SIGTERM')))) };
}
const rows = [];
let nodeBackends;
try {
  const ns = '/api/v1/namespaces/default';
  if (o.backends !== 'node') {
    await call('POST', `${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'microservice1' }, spec: { type: 'NodePort', selector: { name: 'microservice1' }, ports: [{ port: 3000, targetPort: 3000 }] } });
    for (let i = 0; i < 5; i++) await call('POST', `${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `microservice1-${i}`, labels: { name: 'microservice1' } }, spec: { containers: [{ name: 'microservice1', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] }] } });
    const ep = await waitFor(async () => {
      const e = await call('GET', `${ns}/endpoints/microservice1`);
      const n = (e.subsets ?? []).reduce((a, s) => a + (s.addresses?.length ?? 0), 0);
      return n === 5 ? e : undefined;
    });
    const svc = await call('GET', `${ns}/services/microservice1`);
    const backends = ep.subsets.flatMap((s) => s.addresses.map((a) => `${a.ip}:${s.ports[0].port}`));
    await sleep(1000);
    await measure('5 microservice1 pods', backends, svc.spec.ports[0].nodePort, rows);
  }
  if (o.backends !== 'containers') {
    nodeBackends = await startNodeBackends();
    await call('POST', `${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nodes' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    await call('POST', `${ns}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'nodes' }, subsets: nodeBackends.ports.map((p) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: p }] })) });
    const svc = await call('GET', `${ns}/services/nodes`);
    await sleep(1000);
    await measure('5 keep-alive node servers', nodeBackends.ports.map((p) => `127.0.0.1:${p}`), svc.spec.ports[0].nodePort, rows);
  }
} finally {
  for (const d of daemons.reverse()) await d.stop();
  await nodeBackends?.stop();
  for (const c of await docker.listContainers({ all: true, filters: { label: [`wharf.cluster=${CLUSTER}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await api.stop();
  await nats.stop();
}
console.log(`\nwrk -t${o.threads} -c${o.connections} -d${o.duration} --latency, mean of ${o.rounds} interleaved rounds, new connection per request for the pods (busybox httpd closes), keep-alive for the node servers`);
printTable(rows);
