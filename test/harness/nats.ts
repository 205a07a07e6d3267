/**
 * Starts real nats-server processes for tests: one server, or a 3-node JetStream cluster on
 * loopback. Each gets its own ports and store directory and is stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePorts } from './ports.js';

/** One running nats-server. */
export interface NatsServer {
  /** server_name (n0, n1... in a cluster). */
  name: string;
  port: number;
  /** HTTP monitoring port (/jsz, /varz). */
  monitorPort: number;
  url: string;
  process: ChildProcess;
  /** SIGKILL the server. */
  kill(): void;
  /** Start it again with the same config and store (once the previous process has exited). */
  restart(): Promise<void>;
}

/** A running server or cluster; `url` lists every member. */
export interface NatsHandle {
  url: string;
  servers: NatsServer[];
  dir: string;
  stop(): Promise<void>;
}

function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nats-server did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts nats-server with `config` and waits until it listens on `port`. */
export async function launch(config: string, port: number, monitorPort: number, logName: string): Promise<NatsServer> {
  // WHARF_TEST_NATS_LOGS=DIR keeps each server's log (DIR/<name>.log, appended across restarts).
  const logDir = process.env.WHARF_TEST_NATS_LOGS;
  const start = () => {
    const log = logDir ? openSync(join(logDir, `${logName}.log`), 'a') : undefined;
    const p = spawn('nats-server', ['-c', config], { stdio: ['ignore', 'ignore', log ?? 'pipe'] });
    if (log !== undefined) closeSync(log);
    // The last lines it printed, for a server that exits before it listens.
    stderr = '';
    p.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    return p;
  };
  let stderr = '';
  /** Waits until it listens; fails at once, with what it printed, when it exits first. */
  const listening = async () => {
    const p = server.process;
    let onExit!: (code: number | null, sig: NodeJS.Signals | null) => void;
    const exited = new Promise<never>((_, reject) => {
      onExit = (code, sig) => reject(new Error(`nats-server ${logName} exited (${code ?? sig}) before it listened on ${port}:\n${stderr}`));
      p.once('exit', onExit);
    });
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPort(port), exited]);
    } finally {
      p.off('exit', onExit);
    }
  };
  const server: NatsServer = {
    name: logName,
    port,
    monitorPort,
    url: `nats://127.0.0.1:${port}`,
    process: start(),
    kill() {
      server.process.kill('SIGKILL');
    },
    async restart() {
      const old = server.process;
      if (old.exitCode === null && old.signalCode === null) await new Promise((r) => old.once('exit', r));
      server.process = start();
      await listening();
    },
  };
  server.process.once('error', (e) => {
    throw new Error(`cannot start nats-server (${logName}): ${e.message}; run scripts/install-deps.sh`);
  });
  await listening();
  return server;
}

/** Starts one JetStream-enabled nats-server on a free loopback port. */
export async function startNats(): Promise<NatsHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-nats-'));
  const [port, monitor] = (await freePorts(2)) as [number, number];
  const config = join(dir, 'nats.conf');
  writeFileSync(config, `listen: 127.0.0.1:${port}\nhttp: 127.0.0.1:${monitor}\nmax_payload: 8MB\njetstream { store_dir: "${dir}/js", sync_interval: always }\n`);
  const s = await launch(config, port, monitor, 'single');
  return {
    url: s.url,
    servers: [s],
    dir,
    async stop() {
      await stopAll([s]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a 3-node JetStream cluster on loopback; waits until it has a meta leader. */
export async function startNatsCluster(size = 3): Promise<NatsHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-natsc-'));
  const all = await freePorts(3 * size);
  const [ports, routes, monitors] = [all.slice(0, size), all.slice(size, 2 * size), all.slice(2 * size)];
  const servers: NatsServer[] = [];
  for (let i = 0; i < size; i++) {
    const config = join(dir, `n${i}.conf`);
    writeFileSync(
      config,
      [
        `server_name: n${i}`,
        `listen: 127.0.0.1:${ports[i]}`,
        `http: 127.0.0.1:${monitors[i]}`,
        `jetstream { store_dir: "${dir}/n${i}", sync_interval: always }`,
        `cluster { name: wharf-test, listen: 127.0.0.1:${routes[i]}, routes: [${routes.map((r) => `nats-route://127.0.0.1:${r}`).join(', ')}] }`,
      ].join('\n'),
    );
    servers.push(await launch(config, ports[i]!, monitors[i]!, `n${i}`));
  }
  await waitForMetaLeader(servers);
  return {
    url: servers.map((s) => s.url).join(','),
    servers,
    dir,
    async stop() {
      await stopAll(servers);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every server names the same JetStream meta leader (the routes formed and it was elected). */
async function waitForMetaLeader(servers: NatsServer[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leaders = await Promise.all(
      servers.map(async (s) => {
        try {
          const res = await fetch(`http://127.0.0.1:${s.monitorPort}/jsz`, { signal: AbortSignal.timeout(1000) });
          return ((await res.json()) as { meta_cluster?: { leader?: string } }).meta_cluster?.leader;
        } catch {
          return undefined;
        }
      }),
    );
    if (leaders[0] && leaders.every((l) => l === leaders[0])) return;
    if (Date.now() > deadline) throw new Error(`the NATS cluster elected no meta leader within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops servers by PID (SIGTERM, then SIGKILL). */
export async function stopAll(servers: NatsServer[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.process.exitCode !== null || s.process.signalCode !== null) return resolve();
          s.process.once('exit', () => resolve());
          s.process.kill('SIGTERM');
        }),
    ),
  );
}
