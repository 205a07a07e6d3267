/**
 * Removes everything one simulated-hosts run made, found by its names alone, so it works after a
 * partial start, a crash, or a second call: dockerds (by pidfile), every process left in the
 * run's namespaces, containers left in its cgroups, mounts under its directory, namespaces,
 * veths, the bridge, its DOCKER-USER rules and its directory. Each step goes on when one fails.
 */
import { existsSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { run } from './exec.js';
import { eventually } from './ports.js';
import { PREFIX, ruleDeletions, runDir, runIdsIn } from './hosts-plan.js';
import { harnessListing } from './netns.js';
import { alive, ownedPid, terminate } from './host-docker.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Tears down run `id`; returns the steps that failed (empty when all is gone). */
export async function teardownRun(id: string): Promise<string[]> {
  const failures: string[] = [];
  const step = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      failures.push(`${what}: ${(e as Error).message}`);
    }
  };
  const dir = runDir(id);
  const { netns, links, rules } = await harnessListing();
  const nsNames = names(netns, new RegExp(`^(${PREFIX}${id}-h\\d+)\\b`, 'gm'));
  const hostDirs = existsSync(dir) ? readdirSync(dir).filter((d) => /^h\d+$/.test(d)) : [];

  // dockerd first, gently, so it stops its containerd and containers.
  await Promise.all(
    hostDirs.map((h) =>
      step(`stop dockerd of ${h}`, async () => {
        const pid = ownedPid(`${dir}/${h}/docker.pid`, `${dir}/${h}/`);
        if (pid) await terminate(pid, 10_000);
      }),
    ),
  );
  // Whatever still runs in the run's namespaces (containerd, shims, spawned processes) is the run's.
  for (const ns of nsNames) await step(`kill processes in ${ns}`, () => killNetnsProcesses(ns));
  for (const cg of cgroupDirs(id)) await step(`clear cgroup ${cg}`, () => clearCgroup(cg));
  await step('unmount', () => unmountUnder(`${dir}/`));
  for (const ns of nsNames) await step(`delete netns ${ns}`, () => ok('ip', ['netns', 'del', ns]));
  const linkNames = names(links, new RegExp(`^\\d+: (${PREFIX}${id}(?:h\\d+)?)[@:]`, 'gm'));
  for (const l of linkNames.filter((l) => l !== `${PREFIX}${id}`)) await step(`delete link ${l}`, () => okUnlessGone('ip', ['link', 'del', l]));
  if (linkNames.includes(`${PREFIX}${id}`)) await step('delete bridge', () => ok('ip', ['link', 'del', `${PREFIX}${id}`]));
  for (const del of ruleDeletions(rules, `wharf-test-${id}`)) await step(`iptables ${del.join(' ')}`, () => ok('iptables', ['-w', ...del]));
  await step(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  return failures;
}

/** Ids of harness runs whose leftovers are on this machine and whose owner and dockerds are all dead. */
export async function staleRunIds(exceptId?: string): Promise<string[]> {
  const { netns, links, rules } = await harnessListing();
  const tmp = readdirSync('/tmp').filter((d) => new RegExp(`^${PREFIX}[0-9a-f]{4}$`).test(d));
  const ids = runIdsIn([netns, links, rules, tmp.join('\n')].join('\n'));
  return [...ids].filter((id) => id !== exceptId && !runAlive(id));
}

/**
 * A run is alive while the process that started it is (its owner.pid names the PID and start time,
 * so a reused PID does not count). Its dockerds outlive a crashed owner; they are then leftovers.
 */
function runAlive(id: string): boolean {
  const dir = runDir(id);
  try {
    return ownerAlive(readFileSync(`${dir}/owner.pid`, 'utf8'));
  } catch {
    // No owner file: a run that has just made its directory (give it a minute to write one),
    // or one whose teardown has removed the directory already.
    return existsSync(dir) && Date.now() - statSync(dir).mtimeMs < 60_000;
  }
}

/** The owner mark of this process: its PID and start time (field 22 of /proc/PID/stat). */
export function ownerMark(pid = process.pid): string {
  return `${pid} ${startTime(pid) ?? ''}\n`;
}

function ownerAlive(mark: string): boolean {
  const [pid, start] = mark.trim().split(' ');
  return !!pid && !!start && startTime(Number(pid)) === start;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function names(text: string, re: RegExp): string[] {
  return [...new Set([...text.matchAll(re)].map((m) => m[1]!))];
}

async function ok(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(r.stderr.trim());
}

/** Deleting a netns takes its veth with it, so a peer that is already gone is fine. */
async function okUnlessGone(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0 && !/Cannot find device/.test(r.stderr)) throw new Error(r.stderr.trim());
}

async function killNetnsProcesses(ns: string): Promise<void> {
  const pids = async () => (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of await pids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await eventually(async () => (await pids()).length === 0, 5_000, 50);
}

/** The run's cgroup directories (made by its dockerds' --cgroup-parent) in every hierarchy. */
function cgroupDirs(id: string): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const re = new RegExp(`^${PREFIX}${id}-h\\d+$`);
  return readdirSync(CGROUP_ROOT).flatMap((c) => {
    try {
      return readdirSync(`${CGROUP_ROOT}/${c}`).filter((d) => re.test(d)).map((d) => `${CGROUP_ROOT}/${c}/${d}`);
    } catch {
      return [];
    }
  });
}

/** SIGKILLs the processes left in a cgroup tree (containers of a dead dockerd) and removes the tree. */
async function clearCgroup(path: string): Promise<void> {
  const tree = (p: string): string[] => [
    ...readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => tree(`${p}/${e.name}`)),
    p,
  ];
  const procs = (p: string) => {
    try {
      return readFileSync(`${p}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  for (const p of tree(path)) for (const pid of procs(p)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await eventually(
    () => {
      if (!existsSync(path)) return true;
      for (const p of tree(path)) rmdirSync(p);
      return true;
    },
    5_000,
    50,
  );
}

/** Lazily unmounts every mount point under `prefix` (overlays, netns files of a dockerd that died), deepest first. */
async function unmountUnder(prefix: string): Promise<void> {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p]);
}

