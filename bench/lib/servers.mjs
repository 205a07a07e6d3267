// Starts the real servers a benchmark measures: nats-server (with the same JetStream settings as
// deploy/) and wharf-api, each on a free loopback port, stopped by PID at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';

export const ROOT = resolve(import.meta.dirname, '../..');

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Polls `check` every 50 ms until it is truthy; rejects after `ms`. */
export async function waitFor(check, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error('timed out waiting for a server');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
export const portOpen = (port) => new Promise((r) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => (s.destroy(), r(true)));
  s.once('error', () => (s.destroy(), r(false)));
});

/** SIGTERMs a child this bench spawned (by its PID) and resolves once it has exited. */
export function stopChild(p) {
  return new Promise((r) => {
    if (p.exitCode !== null || p.signalCode !== null) return r();
    p.once('exit', r);
    p.kill('SIGTERM');
  });
}

/** nats-server with JetStream; `sync` is the sync_interval setting ("always" or a duration). */
export async function startNats({ sync } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-nats-'));
  const port = await freePort();
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: 127.0.0.1:${port}\nmax_payload: 8MB\njetstream { store_dir: "${dir}/js"${sync ? `, sync_interval: ${sync}` : ''} }\n`);
  const p = spawn('nats-server', ['-c', conf], { stdio: 'ignore' });
  const stop = () => stopChild(p).then(() => rmSync(dir, { recursive: true, force: true }));
  await waitFor(() => portOpen(port)).catch((e) => stop().then(() => Promise.reject(e)));
  return { url: `nats://127.0.0.1:${port}`, pid: p.pid, stop };
}

/** Extra node flags for the Wharf processes a bench starts (WHARF_BENCH_NODE_ARGS, e.g. --trace-gc). */
export const benchNodeArgs = () => process.env.WHARF_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

/** wharf-api against `natsUrl` (with `extraArgs`, e.g. an --authorization-mode); returns its URL, token and an undici dispatcher trusting its CA. */
export async function startApi(natsUrl, cluster = 'bench', reuseHome, extraArgs = []) {
  const home = reuseHome ?? mkdtempSync(join(tmpdir(), 'wharf-bench-home-'));
  const port = await freePort();
  const config = join(home, 'config');
  const prof = process.env.WHARF_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WHARF_BENCH_PROFILE}`] : [];
  const p = spawn(process.execPath, [...prof, ...benchNodeArgs(), join(ROOT, 'packages/api/bin/wharf-api.js'), '--nats', natsUrl, '--cluster', cluster, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    env: { ...process.env, HOME: home, WHARF_CONFIG: config, WHARF_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A home this call made goes with the server; one the caller passed stays theirs.
  const stop = () => stopChild(p).then(() => reuseHome ?? rmSync(home, { recursive: true, force: true }));
  let cfg;
  let dispatcher;
  const url = `https://127.0.0.1:${port}`;
  try {
    await waitFor(() => (cfg = JSON.parse(readFileSync(config, 'utf8'))));
    dispatcher = new Agent({ connect: { ca: cfg.certificateAuthority }, connections: 256, pipelining: 1 });
    await waitFor(async () => (await request(`${url}/readyz`, { dispatcher })).statusCode === 200);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, token: cfg.token, dispatcher, home, pid: p.pid, stop };
}

/** The pod the API benchmarks create: one container with a port, labelled app=bench (and `labels`). */
export const benchPod = (name, labels = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench', ...labels } }, spec: { containers: [{ name: 'c', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] }] } });

/** Spawns a Wharf daemon bin (reconcilers, agent, proxy) with the given args; stopped by PID. */
export function startDaemon(bin, args) {
  const p = spawn(process.execPath, [join(ROOT, `packages/${bin}/bin/wharf-${bin}.js`), ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WHARF_LOG_LEVEL: 'warn' } });
  return { pid: p.pid, stop: () => new Promise((r) => { if (p.exitCode !== null) return r(); p.once('exit', r); p.kill('SIGTERM'); }) };
}

/** The headers of a JSON call to `api` as its admin. */
const jsonHeaders = (api, type = 'application/json') => ({ authorization: `Bearer ${api.token}`, 'content-type': type });

/** A small client of one wharf-api for benchmarks: JSON calls and watches. */
export function apiClient(api) {
  const headers = jsonHeaders(api);
  /** Sends `body` as JSON (`type` names a JSON patch flavour, e.g. application/merge-patch+json); resolves with the parsed answer. */
  const call = async (method, path, body, type) => {
    const { request } = await import('undici');
    const r = await request(api.url + path, { method, headers: type ? jsonHeaders(api, type) : headers, body: body && JSON.stringify(body), dispatcher: api.dispatcher });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${path}: ${r.statusCode} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  /** Calls onEvent for each watch event of `path` from `rv`; returns a stop function. */
  const watch = async (path, rv, onEvent) => {
    const { request } = await import('undici');
    const ctl = new AbortController();
    const r = await request(`${api.url}${path}?watch=true&resourceVersion=${rv}`, { headers, dispatcher: api.dispatcher, signal: ctl.signal });
    let buf = '';
    r.body.setEncoding('utf8');
    r.body.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) onEvent(JSON.parse(line));
      }
    });
    r.body.on('error', () => undefined);
    return () => ctl.abort();
  };
  return { call, watch };
}

/**
 * A lean HTTP call for load generation: undici's dispatch with a minimal handler (no response
 * stream objects), so the load generator's CPU, which shares the machine with the servers it
 * measures, stays small. `body` is sent as JSON. Resolves with the status code; rejects on a network error or
 * >= 300.
 */
export function leanCaller(api) {
  const origin = new URL(api.url).origin;
  const headers = jsonHeaders(api);
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      let status = 0;
      api.dispatcher.dispatch(
        { origin, method, path, headers, body: body && JSON.stringify(body) },
        {
          onConnect() {},
          onHeaders(code) {
            status = code;
            return true;
          },
          onData() {
            return true;
          },
          onComplete() {
            if (status >= 300) reject(new Error(`${method} ${path}: ${status}`));
            else resolve(status);
          },
          onError: reject,
        },
      );
    });
}
