// Starts the real servers a benchmark measures: nats-server (with the same JetStream settings as
// deploy/) and wharf-api, each on a free loopback port, stopped by PID at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent } from 'undici';

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

async function waitFor(check, ms = 20000) {
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

const portOpen = (port) => new Promise((r) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => (s.destroy(), r(true)));
  s.once('error', () => (s.destroy(), r(false)));
});

/** nats-server with JetStream; `sync` is the sync_interval setting ("always" or a duration). */
export async function startNats({ sync } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-nats-'));
  const port = await freePort();
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: 127.0.0.1:${port}\nmax_payload: 8MB\njetstream { store_dir: "${dir}/js"${sync ? `, sync_interval: ${sync}` : ''} }\n`);
  const p = spawn('nats-server', ['-c', conf], { stdio: 'ignore' });
  await waitFor(() => portOpen(port));
  return { url: `nats://127.0.0.1:${port}`, pid: p.pid, stop: () => new Promise((r) => { p.once('exit', () => { rmSync(dir, { recursive: true, force: true }); r(); }); p.kill('SIGTERM'); }) };
}

/** wharf-api against `natsUrl`; returns its URL, token and an undici dispatcher trusting its CA. */
export async function startApi(natsUrl, cluster = 'bench') {
  const home = mkdtempSync(join(tmpdir(), 'wharf-bench-home-'));
  const port = await freePort();
  const config = join(home, 'config');
  const prof = process.env.WHARF_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WHARF_BENCH_PROFILE}`] : [];
  const p = spawn(process.execPath, [...prof, join(ROOT, 'packages/api/bin/wharf-api.js'), '--nats', natsUrl, '--cluster', cluster, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, HOME: home, WHARF_CONFIG: config, WHARF_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let cfg;
  await waitFor(() => (cfg = JSON.parse(readFileSync(config, 'utf8'))));
  const dispatcher = new Agent({ connect: { ca: cfg.certificateAuthority }, connections: 256, pipelining: 1 });
  return { url: cfg.server, token: cfg.token, dispatcher, pid: p.pid, stop: () => new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); }) };
}
