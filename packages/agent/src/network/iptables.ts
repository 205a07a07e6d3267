/**
 * The node's iptables rules (pure), as flannel's host-gw mode needs them on a Docker host: its
 * own chains, rewritten whole with `iptables-restore --noflush` (declaring a chain there empties
 * it, so a rewrite never duplicates a rule and leaves every other chain alone), and the jumps to
 * them, which the runner ensures one by one (`iptables -C`, else `-I ... 1`).
 *
 * - filter `WHARF-FWD-<hash>`, jumped to first thing from DOCKER-USER (FORWARD when Docker made
 *   none): ACCEPT from the cluster CIDR to the pod CIDR and from the pod CIDR to the cluster CIDR.
 *   It comes before Docker's isolation chains, which drop traffic between two bridges: pods of
 *   several nodes of one machine (test clusters) and routed pods of other machines get through.
 * - nat `WHARF-NAT-<hash>`, jumped to from POSTROUTING: MASQUERADE what pods send out of the
 *   cluster CIDR; traffic between pods keeps its source address. The Docker network itself is
 *   made with masquerading off.
 */
import type { PodNetworkPlan } from './plan.js';

/** One rule the runner ensures in a built-in (or Docker's) chain: `iptables -t <table> -C/-I/-D <chain> <rule...>`. */
export interface JumpRule {
  table: 'filter' | 'nat';
  chain: string;
  rule: string[];
}

/** The chains Wharf's forward chain may hang from, in order of preference. */
export const FORWARD_HOOKS = ['DOCKER-USER', 'FORWARD'] as const;

/** The `iptables-restore --noflush` input that (re)writes the node's two chains. */
export function chainRules(p: Pick<PodNetworkPlan, 'fwdChain' | 'natChain' | 'podCidr' | 'clusterCidr'>): string {
  return [
    '*filter',
    `:${p.fwdChain} - [0:0]`,
    `-A ${p.fwdChain} -s ${p.clusterCidr} -d ${p.podCidr} -j ACCEPT`,
    `-A ${p.fwdChain} -s ${p.podCidr} -d ${p.clusterCidr} -j ACCEPT`,
    'COMMIT',
    '*nat',
    `:${p.natChain} - [0:0]`,
    `-A ${p.natChain} -s ${p.podCidr} ! -d ${p.clusterCidr} -j MASQUERADE`,
    'COMMIT',
    '',
  ].join('\n');
}

/** The comment on the jumps, so that `iptables -S` says whose they are. */
export function jumpComment(p: Pick<PodNetworkPlan, 'cluster' | 'node'>): string {
  return `wharf pod network of ${p.cluster}/${p.node}`;
}

/** The jumps to the node's chains: from `forwardHook` (DOCKER-USER when it exists) and from nat POSTROUTING. */
export function jumpRules(p: Pick<PodNetworkPlan, 'cluster' | 'node' | 'fwdChain' | 'natChain'>, forwardHook: (typeof FORWARD_HOOKS)[number]): JumpRule[] {
  const comment = ['-m', 'comment', '--comment', jumpComment(p)];
  return [
    { table: 'filter', chain: forwardHook, rule: [...comment, '-j', p.fwdChain] },
    { table: 'nat', chain: 'POSTROUTING', rule: [...comment, '-j', p.natChain] },
  ];
}

/** Splits one line of `iptables -S` into its arguments (double quotes group, as iptables prints comments). */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** The `-D <chain> <rule...>` argument lists that delete every rule of `iptables -S <chain>` output jumping to `target`. */
export function jumpDeletions(listing: string, target: string): string[][] {
  const out: string[][] = [];
  for (const line of listing.split('\n')) {
    const args = splitRule(line.trim());
    if (args[0] !== '-A' || args.length < 2) continue;
    const j = args.indexOf('-j');
    if (j > 0 && args[j + 1] === target) out.push(['-D', ...args.slice(1)]);
  }
  return out;
}
