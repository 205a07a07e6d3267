/**
 * Names and addresses of one simulated-hosts run, as plain data (no I/O): which bridge, netns,
 * veths, directories, sockets and IPv4 ranges a run with a given id and slot uses, and how the
 * harness recognises its own leftovers by name.
 */

/** Every name the harness makes starts with this (bridge, veths, netns, temp dirs). */
export const PREFIX = 'wht';
/** Hosts per run: the third octet of a host's Docker ranges is `slot * MAX_HOSTS + index`. */
export const MAX_HOSTS = 8;
/** Runs that can coexist on one machine: the bridge /24 is `10.213.<slot>.0/24`. */
export const SLOTS = 32;

const BRIDGE_NET = '10.213';
const BIP_NET = '10.214';
const POOL_NET = '10.215';

/** One host of a run. */
export interface HostPlan {
  index: number;
  /** h0, h1, ... */
  name: string;
  /** Network namespace, `wht<id>-h<i>`, at /var/run/netns/<netns>. */
  netns: string;
  /** Root-namespace side of the veth pair (attached to the bridge). */
  vethRoot: string;
  /** Interface name inside the namespace. */
  vethHost: string;
  /** The host's address on the bridge. */
  address: string;
  dir: string;
  dockerSocket: string;
  dockerPidfile: string;
  /** dockerd's --bip (docker0 of this host). */
  bip: string;
  /** dockerd's --default-address-pool base. */
  pool: string;
  /** dockerd's --cgroup-parent, so leftover containers can be found by name. */
  cgroupParent: string;
}

/** A whole run. */
export interface NetPlan {
  id: string;
  slot: number;
  bridge: string;
  subnet: string;
  /** The root namespace's address on the bridge (.1). */
  gateway: string;
  /** iptables comment on the run's rules. */
  comment: string;
  dir: string;
  hosts: HostPlan[];
}

/** The plan of run `id` (4 hex digits) in `slot` with `count` hosts. */
export function planNet(id: string, slot: number, count: number): NetPlan {
  if (!/^[0-9a-f]{4}$/.test(id)) throw new RangeError(`run id must be 4 hex digits, got ${id}`);
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) throw new RangeError(`slot must be 0..${SLOTS - 1}, got ${slot}`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) throw new RangeError(`host count must be 1..${MAX_HOSTS}, got ${count}`);
  const dir = runDir(id);
  const hosts = Array.from({ length: count }, (_, i): HostPlan => {
    const hdir = `${dir}/h${i}`;
    const octet = slot * MAX_HOSTS + i;
    return {
      index: i,
      name: `h${i}`,
      netns: `${PREFIX}${id}-h${i}`,
      vethRoot: `${PREFIX}${id}h${i}`,
      vethHost: 'wh0',
      address: `${BRIDGE_NET}.${slot}.${10 + i}`,
      dir: hdir,
      dockerSocket: `${hdir}/docker.sock`,
      dockerPidfile: `${hdir}/docker.pid`,
      bip: `${BIP_NET}.${octet}.1/24`,
      pool: `${POOL_NET}.${octet}.0/24`,
      cgroupParent: `${PREFIX}${id}-h${i}`,
    };
  });
  return { id, slot, bridge: `${PREFIX}${id}`, subnet: `${BRIDGE_NET}.${slot}.0/24`, gateway: `${BRIDGE_NET}.${slot}.1`, comment: `wharf-test-${id}`, dir, hosts };
}

/** The temp directory of run `id`. */
export function runDir(id: string): string {
  return `/tmp/${PREFIX}${id}`;
}

/** Slots whose ranges already appear in `ip -4 addr` / `ip -4 route` output (this run must avoid them). */
export function usedSlots(ipOutput: string): Set<number> {
  const used = new Set<number>();
  for (const m of ipOutput.matchAll(/\b10\.213\.(\d+)\./g)) used.add(Number(m[1]));
  for (const m of ipOutput.matchAll(/\b10\.21[45]\.(\d+)\./g)) used.add(Math.floor(Number(m[1]) / MAX_HOSTS));
  return used;
}

/** A free slot, drawn with `random` (0 <= r < 1) so parallel runs rarely pick the same; undefined when all are taken. */
export function pickSlot(used: Set<number>, random: () => number): number | undefined {
  const free = Array.from({ length: SLOTS }, (_, i) => i).filter((s) => !used.has(s));
  return free.length ? free[Math.floor(random() * free.length)] : undefined;
}

/** Run ids named anywhere in `text` (netns list, link list, iptables rules, /tmp listing). */
export function runIdsIn(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(new RegExp(`(?:^|[^0-9a-z])(?:${PREFIX}|wharf-test-)([0-9a-f]{4})(?![0-9a-f])`, 'gm'))) ids.add(m[1]!);
  return ids;
}

/** The `-D` argument lists that delete the rules of `iptables -S CHAIN` output carrying `comment`. */
export function ruleDeletions(rules: string, comment: string): string[][] {
  return rules
    .split('\n')
    .filter((l) => l.startsWith('-A ') && l.split(/\s+/).includes(comment))
    .map((l) => ['-D', ...l.split(/\s+/).slice(1).map((a) => a.replace(/^"(.*)"$/, '$1'))]);
}
