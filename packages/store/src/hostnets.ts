/**
 * The machine's own IPv4 networks: the subnets of its interfaces (os.networkInterfaces) and the
 * destinations of its routes in every table (`ip -4 route show table all`: the main table, and
 * the local table where an AnyIP range like another proxy's service range shows), so a daemon
 * can refuse an address range that would shadow them. What Wharf made itself is left out:
 * interfaces named `wharf*` and routes on them (wharf-proxy's `local <serviceCIDR> dev wharfs…`,
 * the pod bridges), and routes of protocol 213 (the agents' routes to other nodes' pod CIDRs),
 * so that a daemon restarting on a node that runs them does not refuse its own range.
 */
import { execFileSync } from 'node:child_process';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { cidrsOverlap, formatIpv4Cidr, type Ipv4Cidr, parseIpv4Cidr } from '@wharf/model';
import { StartupError } from './config.js';

/** The routing protocol number of the routes Wharf's agents make (`ip route ... proto 213`). */
export const WHARF_ROUTE_PROTO = 213;

/** One network of the machine and where it was seen (`eth0`, `route via eth0`). */
export interface HostNetwork {
  cidr: Ipv4Cidr;
  source: string;
}

const wharfOwned = (dev: string | undefined) => dev?.startsWith('wharf') ?? false;

/** The destinations of `ip -4 route [show table all]` output (pure): `default`, Wharf's own devices and routes of protocol 213 left out. */
export function parseRoutes(text: string): HostNetwork[] {
  const out: HostNetwork[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    // A route may start with its type (unicast, blackhole, ...); the destination comes next.
    const dest = /^[a-z]+$/.test(words[0] ?? '') && words[0] !== 'default' ? words[1] : words[0];
    if (!dest || dest === 'default') continue;
    const dev = words[words.indexOf('dev') + 1];
    if (words.includes('dev') && wharfOwned(dev)) continue;
    if (words.includes('proto') && words[words.indexOf('proto') + 1] === String(WHARF_ROUTE_PROTO)) continue;
    try {
      const table = words.includes('table') ? ` table ${words[words.indexOf('table') + 1]}` : '';
      out.push({ cidr: parseIpv4Cidr(dest.includes('/') ? dest : `${dest}/32`), source: `route ${dest}${words.includes('dev') ? ` dev ${dev}` : ''}${table}` });
    } catch {
      // Not an IPv4 destination: nothing to compare.
    }
  }
  return out;
}

/** The IPv4 subnets of the interfaces (pure over os.networkInterfaces()' shape). */
export function interfaceNetworks(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): HostNetwork[] {
  const out: HostNetwork[] = [];
  for (const [name, addrs] of Object.entries(ifaces)) {
    if (wharfOwned(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && a.cidr) out.push({ cidr: parseIpv4Cidr(a.cidr), source: `${name} ${a.cidr}` });
  }
  return out;
}

/** The first of `nets` that shares an address with `range`, if any. */
export function overlappingNetwork(range: Ipv4Cidr, nets: HostNetwork[]): HostNetwork | undefined {
  return nets.find((n) => cidrsOverlap(range, n.cidr));
}

/** This machine's networks, from its interfaces and its routing tables (routes only where `ip` runs). */
export function hostNetworks(): HostNetwork[] {
  let routes = '';
  try {
    routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // No `ip` command: the interfaces alone.
  }
  return [...interfaceNetworks(networkInterfaces()), ...parseRoutes(routes)];
}

/** One line naming the overlap: `10.96.0.0/16 overlaps this machine's network 10.96.3.0/24 (eth1 10.96.3.2/24)`. */
export function describeOverlap(range: Ipv4Cidr, n: HostNetwork): string {
  return `${formatIpv4Cidr(range)} overlaps this machine's network ${formatIpv4Cidr(n.cidr)} (${n.source})`;
}

/** Throws a one-line StartupError (`--flag: <overlap>; choose a range clear of it`) when `range` overlaps one of `nets`. */
export function refuseHostOverlap(flag: string, range: Ipv4Cidr, nets: HostNetwork[] = hostNetworks()): void {
  const hit = overlappingNetwork(range, nets);
  if (hit) throw new StartupError(`--${flag}: ${describeOverlap(range, hit)}; choose a range clear of it`);
}
