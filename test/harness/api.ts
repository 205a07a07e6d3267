/**
 * Runs the real wharf-api binary as a child process against a test nats-server, with its own
 * HOME and CLI config, and gives tests its URL and admin token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciInit } from 'undici';
import { eventually, freePort } from './ports.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = {
  api: join(ROOT, 'packages/api/bin/wharf-api.js'),
  cli: join(ROOT, 'packages/cli/bin/wharf.js'),
  reconcilers: join(ROOT, 'packages/reconcilers/bin/wharf-reconcilers.js'),
  agent: join(ROOT, 'packages/agent/bin/wharf-agent.js'),
  proxy: join(ROOT, 'packages/proxy/bin/wharf-proxy.js'),
};

/** A running wharf-api. */
export interface ApiHandle {
  url: string;
  token: string;
  /** PEM of the cluster CA (the API serves HTTPS). */
  ca: string;
  /** An undici dispatcher that trusts the cluster CA. */
  dispatcher: Agent | undefined;
  home: string;
  configPath: string;
  process: ChildProcess;
  /** Authenticated fetch against the API. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of startApi. */
export interface ApiOptions {
  natsUrl: string;
  cluster: string;
  /** Reuse a HOME (and so the CLI config) of another API server of the same cluster. */
  home?: string;
  extraArgs?: string[];
}

/** Starts wharf-api and waits until /readyz answers and the admin token is known. */
export async function startApi(opts: ApiOptions): Promise<ApiHandle> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'wharf-home-'));
  const configPath = join(home, '.wharf', 'config');
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const launch = () => {
    const p = spawn(process.execPath, [BIN.api, '--nats', opts.natsUrl, '--cluster', opts.cluster, '--listen', `127.0.0.1:${port}`, ...(opts.extraArgs ?? [])], {
      env: { ...process.env, HOME: home, WHARF_CONFIG: configPath, WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return p;
  };
  const handle: ApiHandle = {
    url,
    token: '',
    ca: '',
    dispatcher: undefined,
    home,
    configPath,
    process: launch(),
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization') && handle.token) headers.set('authorization', `Bearer ${handle.token}`);
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      return undiciFetch(url + path, { ...(init as UndiciInit), headers: Object.fromEntries(headers.entries()), body: (body ?? null) as UndiciInit['body'], dispatcher: handle.dispatcher }) as unknown as Promise<Response>;
    },
    async kill(signal = 'SIGKILL') {
      const p = handle.process;
      if (p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((r) => {
        p.once('exit', () => r());
        p.kill(signal);
      });
    },
    async restart() {
      handle.process = launch();
      await ready();
    },
    async stop() {
      await handle.kill('SIGTERM');
    },
  };
  const ready = async () => {
    const exited = new Promise<never>((_, reject) => handle.process.once('exit', (code, sig) => reject(new Error(`wharf-api exited (${code ?? sig}) during start-up`))));
    exited.catch(() => undefined);
    await Promise.race([waitReady(), exited]);
  };
  const waitReady = async () => {
    const config = await eventually(() => {
      try {
        return JSON.parse(readFileSync(configPath, 'utf8')) as { token: string; certificateAuthority: string };
      } catch {
        return undefined;
      }
    }, 20_000);
    handle.token = config.token;
    handle.ca = config.certificateAuthority;
    handle.dispatcher ??= new Agent({ connect: { ca: handle.ca } });
    await eventually(async () => (await handle.fetch('/readyz')).ok, 20_000);
  };
  await ready();
  return handle;
}
