/**
 * Helpers of the control-plane end-to-end test (test/e2e-controlplane.test.ts): each simulated
 * host's wharf directories and flags, `wharf cluster status` on a host, the daemons' logs and
 * pid files, a machine dying (SIGKILL to every daemon), and requests sent from inside a host's
 * namespace (curl), which is the only way to reach a host that is cut off.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from './hosts.js';

/** The wharf CLI. */
export const WHARF = join(import.meta.dirname, '../../packages/cli/bin/wharf.js');

/** A host's config and data directories. */
export interface HostDirs {
  config: string;
  data: string;
}

/** Fresh directories for each host. */
export function makeDirs(hosts: Host[]): Map<string, HostDirs> {
  const dirs = new Map<string, HostDirs>();
  for (const h of hosts) {
    const d = mkdtempSync(join(tmpdir(), `wharf-cp-${h.name}-`));
    dirs.set(h.name, { config: join(d, 'etc'), data: join(d, 'var') });
  }
  return dirs;
}

/** What `wharf cluster status -o json` prints (the parts the test reads). */
export interface ClusterStatusJson {
  meta?: { leader?: string; clusterSize: number; peers: { name: string; current: boolean; offline: boolean }[] };
  streams: { stream: string; replicas: number; leader?: string; followers: { name: string; current: boolean; offline: boolean }[] }[];
  apiServers: { url: string; ready: boolean }[];
  reconcilers: { instance: string }[];
  errors: Record<string, string>;
}

/** `wharf cluster status -o json` run on host `h` with its directories. */
export async function clusterStatus(h: Host, d: HostDirs): Promise<ClusterStatusJson> {
  const r = await h.exec(process.execPath, [WHARF, 'cluster', 'status', '-o', 'json', '--config-dir', d.config, '--data-dir', d.data], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as ClusterStatusJson;
}

/** True when a status shows every NATS peer and every stream follower current and online (a host caught up). */
export function caughtUp(s: ClusterStatusJson | undefined): boolean {
  return !!s?.meta && s.meta.peers.every((p) => p.current && !p.offline) && s.streams.every((st) => st.followers.length === 2 && st.followers.every((f) => f.current && !f.offline));
}

/** The last lines of every daemon log of a host, for a failure's message. */
export function logsOf(h: Host, d: HostDirs): string {
  const dir = join(d.data, 'run', 'logs');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).map((f) => `== ${h.name} ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');
}

/** SIGKILL to every daemon init or join started on a host (their pid files), as a machine that dies; returns the pids. */
export function killAll(d: HostDirs): number[] {
  const runDir = join(d.data, 'run');
  const pids = readdirSync(runDir).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(runDir, f), 'utf8').trim()));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}

/** One HTTP answer seen by curl: its status, headers (lower-case names) and body. */
export interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends one request from inside host `h` (curl, trusting `caFile`, as the bearer of `token`). */
export async function curlFrom(h: Host, caFile: string, token: string, method: string, url: string, body?: { type: string; json: unknown }): Promise<CurlAnswer> {
  const args = ['-sS', '-i', '--max-time', '60', '--cacert', caFile, '-H', `Authorization: Bearer ${token}`, '-X', method, url];
  if (body) args.push('-H', `Content-Type: ${body.type}`, '--data-binary', JSON.stringify(body.json));
  const r = await h.exec('curl', args, { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`curl ${method} ${url}: ${r.stderr}`);
  const [head, ...rest] = r.stdout.split(/\r?\n\r?\n/);
  const lines = head!.split(/\r?\n/);
  const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(lines[0]!.split(' ')[1]), headers, body: rest.join('\n\n') };
}
