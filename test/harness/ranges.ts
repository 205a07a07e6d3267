/**
 * Address ranges of one test cluster: a pod network and a service range of their own, so a test
 * cluster never meets another cluster's bridges, routes or cluster IPs on this machine (a
 * quick-start cluster on the defaults, 10.244.0.0/16 and 10.96.0.0/16, or what an aborted run
 * left behind).
 *
 * Each cluster takes a 10.<k>.0.0/16 that nothing on the machine routes (no route in any table,
 * no Docker network) and this process has not handed out: pods in 10.<k>.0.0/17 (128 node
 * subnets of /24), services in 10.<k>.128.0/20, the cluster DNS at 10.<k>.128.10. k runs over
 * 160..199, clear of the defaults, the multi-host harness (10.213-10.215) and the machine's own
 * 192.0.2.0/24 and 172.17.0.0/16.
 */
import { execFileSync } from 'node:child_process';
import { cidrContains, ipv4ToNumber, parseIpv4Cidr } from '@wharf/model';

export interface TestRanges {
  /** --cluster-cidr of the reconcilers and agents (wharf init --pod-network-cidr). */
  clusterCidr: string;
  /** --service-cluster-ip-range of wharf-api, --service-cidr of the proxies (wharf init --service-cidr). */
  serviceCidr: string;
  /** The 10th address of the service range: --cluster-dns of agents and proxies. */
  clusterDns: string;
}

const FIRST = 160;
const LAST = 199;
let next = FIRST;

/** Every 10.<k> second octet the machine routes or a Docker network of this engine uses. */
function takenOctets(): Set<number> {
  const text = [
    execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }),
    (() => {
      try {
        const ids = execFileSync('docker', ['network', 'ls', '-q'], { encoding: 'utf8' }).split('\n').filter(Boolean);
        return ids.length ? execFileSync('docker', ['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids], { encoding: 'utf8' }) : '';
      } catch {
        return '';
      }
    })(),
  ].join('\n');
  return new Set([...text.matchAll(/\b10\.(\d+)\.\d+\.\d+/g)].map((m) => Number(m[1])));
}

/** The next free ranges for a test cluster (throws when 160..199 are all taken: leftovers, see `ip route`). */
export function testRanges(): TestRanges {
  const taken = takenOctets();
  for (; next <= LAST; next++) {
    if (taken.has(next)) continue;
    const k = next++;
    return { clusterCidr: `10.${k}.0.0/17`, serviceCidr: `10.${k}.128.0/20`, clusterDns: `10.${k}.128.10` };
  }
  throw new Error(`no free 10.${FIRST}-${LAST}.0.0/16 left for a test cluster's pod and service ranges (leftover bridges or routes? see \`ip route show table all\`)`);
}

/** Whether `ip` (an address, or the network address of a CIDR) lies in `cidr`. */
export function inRange(cidr: string, ip: string): boolean {
  const n = ipv4ToNumber(ip.split('/')[0]!);
  return n !== undefined && cidrContains(parseIpv4Cidr(cidr), n);
}

/** Adds `flag value` unless `args` already has the flag. */
export function withFlag(args: readonly string[], flag: string, value: string): string[] {
  return args.includes(flag) ? [...args] : [...args, flag, value];
}

/** wharf init/join flags for the ranges. */
export function initRangeFlags(r: TestRanges): string[] {
  return ['--pod-network-cidr', r.clusterCidr, '--service-cidr', r.serviceCidr];
}
