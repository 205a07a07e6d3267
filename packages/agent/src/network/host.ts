/**
 * The host side of the pod network (I/O): the node's iptables chains and jumps (`iptables -w`,
 * `iptables-restore -w --noflush`) and its host-gw routes (`ip`), run with execFile in the
 * agent's own network namespace. The rules and routes themselves come from the pure
 * `iptables.ts` and `routes.ts`.
 */
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { chainRules, FORWARD_HOOKS, jumpDeletions, jumpRules } from './iptables.js';
import { PodNetworkError, type PodNetworkPlan } from './plan.js';
import { parseRouteJson, type Route, ROUTE_PROTO } from './routes.js';

/** The outcome of one command. */
interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The commands the host side needs, and the Debian package of each. */
const TOOLS: [string, string[], string][] = [
  ['iptables', ['--version'], 'iptables'],
  ['iptables-restore', ['--version'], 'iptables'],
  ['ip', ['-V'], 'iproute2'],
];

/** Runs `cmd args` (stdin `input`), never rejecting on a non-zero exit; a missing command rejects with ENOENT. */
function run(cmd: string, args: string[], input?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 20_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(err);
      resolve({ code, stdout, stderr });
    });
    // A command that reads no input may exit before its stdin is closed: that EPIPE is no failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Runs a command that must succeed; its failure is a PodNetworkError quoting the command and its first error line. */
async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new PodNetworkError(`${cmd} ${args.join(' ')} failed: ${(r.stderr.trim().split('\n')[0] ?? '') || `exit ${r.code}`}`);
  return r.stdout;
}

/** This machine's IPv4 addresses (its interfaces in the agent's network namespace). */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4') out.add(a.address);
  return out;
}

/**
 * Checks what the host side needs before the agent starts: root, and iptables, iptables-restore
 * and ip on PATH; throws a one-line PodNetworkError naming what is missing.
 */
export async function checkHostNetwork(uid = process.getuid?.()): Promise<void> {
  if (uid !== undefined && uid !== 0) throw new PodNetworkError('wharf-agent must run as root: it makes the pod network (a Docker bridge, iptables rules and routes)');
  for (const [cmd, args, pkg] of TOOLS) {
    try {
      await run(cmd, args);
    } catch {
      throw new PodNetworkError(`${cmd} is not installed: the pod network needs it (apt-get install ${pkg})`);
    }
  }
}

/** True when the chain exists in the table. */
async function chainExists(table: string, chain: string): Promise<boolean> {
  return (await run('iptables', ['-w', '-t', table, '-S', chain])).code === 0;
}

/** (Re)writes the node's chains and makes sure each jump to them is there, once, first in its chain. */
export async function applyRules(p: PodNetworkPlan): Promise<void> {
  await must('iptables-restore', ['-w', '--noflush'], chainRules(p));
  const hook = (await chainExists('filter', 'DOCKER-USER')) ? 'DOCKER-USER' : 'FORWARD';
  for (const j of jumpRules(p, hook)) {
    if ((await run('iptables', ['-w', '-t', j.table, '-C', j.chain, ...j.rule])).code === 0) continue;
    await must('iptables', ['-w', '-t', j.table, '-I', j.chain, '1', ...j.rule]);
  }
}

/** Removes every jump to the node's chains, then the chains; what is already gone is fine. Returns the chains it removed. */
export async function removeRules(p: Pick<PodNetworkPlan, 'fwdChain' | 'natChain'>): Promise<string[]> {
  const removed: string[] = [];
  const hooks: [string, string, string][] = [...FORWARD_HOOKS.map((h): [string, string, string] => ['filter', h, p.fwdChain]), ['nat', 'POSTROUTING', p.natChain]];
  for (const [table, chain, target] of hooks) {
    const listing = await run('iptables', ['-w', '-t', table, '-S', chain]);
    if (listing.code !== 0) continue;
    for (const d of jumpDeletions(listing.stdout, target)) await must('iptables', ['-w', '-t', table, ...d]);
  }
  for (const [table, chain] of [['filter', p.fwdChain], ['nat', p.natChain]] as const) {
    if (!(await chainExists(table, chain))) continue;
    await must('iptables', ['-w', '-t', table, '-F', chain]);
    await must('iptables', ['-w', '-t', table, '-X', chain]);
    removed.push(chain);
  }
  return removed;
}

/** The machine's routes of protocol 213 (every one: the caller keeps those inside its cluster CIDR). */
export async function wharfRoutes(): Promise<Route[]> {
  return parseRouteJson(await must('ip', ['-j', '-4', 'route', 'show', 'proto', String(ROUTE_PROTO)]));
}

/** `ip route replace <dst> via <via> proto 213 [src <src>]`. */
export async function replaceRoute(r: Route): Promise<void> {
  await must('ip', ['-4', 'route', 'replace', r.dst, 'via', r.via, 'proto', String(ROUTE_PROTO), ...(r.src ? ['src', r.src] : [])]);
}

/** Deletes the protocol-213 route to `dst`; gone already is fine. */
export async function deleteRoute(dst: string): Promise<void> {
  const r = await run('ip', ['-4', 'route', 'del', dst, 'proto', String(ROUTE_PROTO)]);
  if (r.code !== 0 && !/No such process|not found/i.test(r.stderr)) throw new PodNetworkError(`ip route del ${dst} failed: ${r.stderr.trim().split('\n')[0] ?? ''}`);
}
