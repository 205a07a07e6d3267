/**
 * What the multi-machine benchmark does to a Wharf cluster on simulated hosts: the real `wharf`
 * CLI run inside a host's namespace (init, join, reset), and a small admin client of the API
 * (from the root namespace, over the test bridge only) to watch nodes and pods.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Host } from '../../test/harness/hosts.js';

/** The wharf CLI of this checkout. */
export const WHARF = join(import.meta.dirname, '../../packages/cli/bin/wharf.js');

type Conditions = { type: string; status: string }[] | undefined;
/** A Node or Pod as far as the benchmark reads it. */
export interface Obj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** True when the conditions say Ready. */
export const ready = (c: Conditions): boolean => (c ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
/** A pod that is Running and Ready. */
export const running = (p: Obj): boolean => p.status?.phase === 'Running' && ready(p.status.conditions);

/** The config and data directories of one machine (fresh per run). */
export interface MachineDirs {
  config: string;
  data: string;
}

/** Fresh directories for `h`. */
export function machineDirs(h: Host): MachineDirs {
  const d = mkdtempSync(join(tmpdir(), `wharf-bench-${h.name}-`));
  return { config: join(d, 'etc'), data: join(d, 'var') };
}

/** The flags init and join take for a machine. */
export function machineFlags(h: Host, d: MachineDirs): string[] {
  return ['--config-dir', d.config, '--data-dir', d.data, '--docker-socket', h.dockerSocket, '--node-name', h.name, '--advertise-address', h.address];
}

/** Runs `wharf args` inside `h`'s namespace; throws the last line of its stderr unless it exits 0. */
export async function wharfOn(h: Host, args: string[], timeoutMs = 150_000): Promise<string> {
  const r = await h.exec(process.execPath, [WHARF, ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`wharf ${args[0]} on ${h.name} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

/** `wharf reset` of a machine (stops its daemons by their pid files, removes its directories). */
export async function resetOn(h: Host, d: MachineDirs): Promise<void> {
  await h.exec(process.execPath, [WHARF, 'reset', '--config-dir', d.config, '--data-dir', d.data], { timeoutMs: 60_000 });
}

/** The join command's arguments (after `wharf join`) from init's output. */
export function joinArgs(initOutput: string): string[] {
  const line = initOutput.split('\n').find((l) => l.trim().startsWith('wharf join'));
  if (!line) throw new Error(`wharf init printed no join command:\n${initOutput}`);
  return line.trim().split(/\s+/).slice(2);
}

/** An admin client of the API, from the CLI config `wharf init --config` wrote. */
export class Admin {
  readonly #server: string;
  readonly #token: string;
  readonly #dispatcher: Agent;

  constructor(configFile: string) {
    const cfg = JSON.parse(readFileSync(configFile, 'utf8')) as { server: string; token: string; certificateAuthority: string };
    this.#server = cfg.server;
    this.#token = cfg.token;
    this.#dispatcher = new Agent({ connect: { ca: cfg.certificateAuthority } });
  }

  /** Sends a JSON call; resolves with the status code and parsed body. */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await request(this.#server + path, {
      method,
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      dispatcher: this.#dispatcher,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    const text = await r.body.text();
    return { status: r.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** The node, or undefined when there is none (or the API does not answer). */
  async node(name: string): Promise<Obj | undefined> {
    const r = await this.call<Obj>('GET', `/api/v1/nodes/${name}`).catch(() => undefined);
    return r?.status === 200 ? r.body : undefined;
  }

  /** The pods of `namespace` whose label `key` is `value`. */
  async pods(key: string, value: string, namespace = 'default'): Promise<Obj[]> {
    const r = await this.call<{ items: Obj[] }>('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(`${key}=${value}`)}`);
    if (r.status !== 200) throw new Error(`listing pods: ${r.status}`);
    return r.body.items.filter((p) => p.metadata.labels?.[key] === value);
  }

  /** Closes the client's connections. */
  close(): Promise<void> {
    return this.#dispatcher.close();
  }
}

/** Polls `check` every `stepMs` until it returns something other than undefined; throws `what` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, stepMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
