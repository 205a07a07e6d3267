/**
 * The root-namespace plumbing of simulated hosts: tool checks, the bridge, one netns + veth pair
 * per host, the DOCKER-USER rules that keep the bridge's traffic on the bridge, and the route
 * check made before anything is sent to a test address.
 */
import { run, type RunResult } from './exec.js';
import type { HostPlan, NetPlan } from './hosts-plan.js';

/** The machine lacks what simulated hosts need (root, ip, iptables, nsenter, dockerd). */
export class HostsUnavailableError extends Error {
  override name = 'HostsUnavailableError';
}

/** A test address routes through something the harness did not make (sending to it is forbidden). */
export class ForeignRouteError extends Error {
  override name = 'ForeignRouteError';
}

/** A command the harness relies on failed. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** Runs a command and throws CommandError (with its stderr) unless it exits 0. */
export async function must(cmd: string, args: string[]): Promise<RunResult> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new CommandError(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/** Throws HostsUnavailableError naming the packages to install unless every tool is there and we are root. */
export async function requireTools(): Promise<void> {
  if (process.getuid?.() !== 0) throw new HostsUnavailableError('simulated hosts need root (network namespaces, iptables, dockerd)');
  const tools: [string, string][] = [
    ['ip', 'iproute2'],
    ['iptables', 'iptables'],
    ['nsenter', 'util-linux'],
    ['dockerd', 'docker.io'],
  ];
  const missing: string[] = [];
  for (const [tool, pkg] of tools) if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) missing.push(pkg);
  if (missing.length) throw new HostsUnavailableError(`simulated hosts need ${missing.join(', ')}: apt-get install -y ${missing.join(' ')}`);
  if ((await run('iptables', ['-w', '-S', 'DOCKER-USER'])).code !== 0)
    throw new HostsUnavailableError('iptables has no DOCKER-USER chain: start the root dockerd first (bash scripts/ensure-dockerd.sh)');
}

/** Throws ForeignRouteError unless `ip route get addr` sends `addr` out through `dev`. */
export async function assertOwnRoute(addr: string, dev: string): Promise<void> {
  const r = await run('ip', ['-4', '-o', 'route', 'get', addr]);
  const via = /\bdev (\S+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || via !== dev || /\bvia\b/.test(r.stdout))
    throw new ForeignRouteError(`refusing to send to ${addr}: it routes ${via ? `via ${via}` : 'nowhere'} (${r.stdout.trim() || r.stderr.trim()}), not through the test bridge ${dev}`);
}

/** The `ip -4 addr` and `ip -4 route` listings of the root namespace, to pick unused ranges. */
export async function ipListing(): Promise<string> {
  return (await must('ip', ['-4', '-o', 'addr'])).stdout + (await must('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout;
}

/** Makes the bridge with .1 on it; false (and nothing left behind) when another device already routes its /24. */
export async function createBridge(plan: NetPlan): Promise<boolean> {
  await must('ip', ['link', 'add', plan.bridge, 'type', 'bridge']);
  await must('ip', ['addr', 'add', `${plan.gateway}/24`, 'dev', plan.bridge]);
  await must('ip', ['link', 'set', plan.bridge, 'up']);
  const routes = (await must('ip', ['-4', '-o', 'route', 'show', 'table', 'all', 'to', plan.subnet])).stdout;
  const devs = new Set([...routes.matchAll(/\bdev (\S+)/g)].map((m) => m[1]));
  if (devs.size === 1 && devs.has(plan.bridge)) return true;
  await run('ip', ['link', 'del', plan.bridge]);
  return false;
}

/** Makes the host's netns and veth pair (root side on the bridge), with the host's address inside. */
export async function createHostLink(plan: NetPlan, h: HostPlan): Promise<void> {
  await must('ip', ['netns', 'add', h.netns]);
  await must('ip', ['link', 'add', h.vethRoot, 'type', 'veth', 'peer', 'name', h.vethHost, 'netns', h.netns]);
  await must('ip', ['link', 'set', h.vethRoot, 'master', plan.bridge]);
  await must('ip', ['link', 'set', h.vethRoot, 'up']);
  const inNs = (args: string[]) => must('ip', ['-n', h.netns, ...args]);
  await inNs(['addr', 'add', `${h.address}/24`, 'dev', h.vethHost]);
  await inNs(['link', 'set', h.vethHost, 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
}

/** Brings the root side of a host's veth down (cut) or up (heal). */
export async function setLink(dev: string, up: boolean): Promise<void> {
  await must('ip', ['link', 'set', dev, up ? 'up' : 'down']);
}

/**
 * Lets the bridge's traffic through the root namespace's FORWARD chain (Docker sets its policy
 * to DROP, and br_netfilter sends bridged frames through it) and nowhere else: accept bridge to
 * bridge, drop bridge to anything else. Both rules carry the run's comment.
 */
export async function addForwardRules(plan: NetPlan): Promise<void> {
  const tag = ['-m', 'comment', '--comment', plan.comment];
  await must('iptables', ['-w', '-I', 'DOCKER-USER', '1', '-i', plan.bridge, '-j', 'DROP', ...tag]);
  await must('iptables', ['-w', '-I', 'DOCKER-USER', '1', '-i', plan.bridge, '-o', plan.bridge, '-j', 'ACCEPT', ...tag]);
}

/** The root namespace's netns names, link names and DOCKER-USER rules, as text (for leftover hunting). */
export async function harnessListing(): Promise<{ netns: string; links: string; rules: string }> {
  const netns = (await run('ip', ['netns', 'list'])).stdout;
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
  const rules = (await run('iptables', ['-w', '-S', 'DOCKER-USER'])).stdout;
  return { netns, links, rules };
}
