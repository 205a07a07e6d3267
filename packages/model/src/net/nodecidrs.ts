/**
 * Node pod CIDRs (pure), as kube-controller-manager's range allocator: the cluster CIDR is cut
 * into equal subnets of `--node-cidr-mask-size` bits, each node gets the lowest free one, and a
 * full range is reported, never wrapped around. Subnets are named by their canonical text
 * (`10.244.3.0/24`); the KV bucket of claims keys them with `/` as `_`.
 */
import { CidrSyntaxError, cidrContains, formatIpv4Cidr, type Ipv4Cidr, parseIpv4Cidr } from './ipv4.js';

/** kubeadm's usual --pod-network-cidr (flannel's default), and Wharf's default cluster CIDR. */
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
/** kube-controller-manager's default --node-cidr-mask-size for IPv4. */
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;
/** The longest node mask: a /30 still leaves two host addresses (gateway and one pod). */
export const MAX_NODE_CIDR_MASK_SIZE = 30;
/** At most 2^16 node subnets, as Kubernetes' cidrset allows. */
export const MAX_NODE_CIDR_SPLIT_BITS = 16;

/** A cluster CIDR and the size of the subnets it is cut into. */
export interface NodeCidrRange {
  cluster: Ipv4Cidr;
  /** The prefix length of every node subnet. */
  maskSize: number;
}

/** A node mask size that does not fit the cluster CIDR (one line, naming the flag). */
export class NodeCidrMaskError extends Error {
  override name = 'NodeCidrMaskError';
}

/** Parses `--node-cidr-mask-size` text (an integer, an optional leading `/`); throws NodeCidrMaskError. */
export function parseMaskSize(text: string | number): number {
  const t = String(text).trim().replace(/^\//, '');
  if (!/^\d{1,2}$/.test(t)) throw new NodeCidrMaskError(`--node-cidr-mask-size must be a prefix length such as 24, got "${text}"`);
  return Number(t);
}

/**
 * The range of a cluster CIDR cut into /maskSize subnets. Throws CidrSyntaxError for a CIDR that
 * does not parse and NodeCidrMaskError unless the mask is longer than the cluster prefix, at most
 * /30, and gives at most 2^16 subnets.
 */
export function nodeCidrRange(clusterCidr: string, maskSize: string | number): NodeCidrRange {
  const cluster = parseIpv4Cidr(clusterCidr.trim());
  const mask = parseMaskSize(maskSize);
  const c = formatIpv4Cidr(cluster);
  if (mask <= cluster.prefix) throw new NodeCidrMaskError(`--node-cidr-mask-size ${mask} must be longer than the cluster CIDR's prefix (${c} is a /${cluster.prefix})`);
  if (mask > MAX_NODE_CIDR_MASK_SIZE) throw new NodeCidrMaskError(`--node-cidr-mask-size ${mask} is too long: at most ${MAX_NODE_CIDR_MASK_SIZE}, so that a node has addresses for pods`);
  if (mask - cluster.prefix > MAX_NODE_CIDR_SPLIT_BITS) throw new NodeCidrMaskError(`--node-cidr-mask-size ${mask} cuts ${c} into ${2 ** (mask - cluster.prefix)} subnets: at most ${2 ** MAX_NODE_CIDR_SPLIT_BITS} (a mask of at most ${cluster.prefix + MAX_NODE_CIDR_SPLIT_BITS})`);
  return { cluster, maskSize: mask };
}

/** How many node subnets the range has. */
export function subnetCount(r: NodeCidrRange): number {
  return 2 ** (r.maskSize - r.cluster.prefix);
}

/** The i-th subnet of the range (0-based, ascending addresses); RangeError outside 0..count-1. */
export function subnetAt(r: NodeCidrRange, i: number): Ipv4Cidr {
  if (!Number.isInteger(i) || i < 0 || i >= subnetCount(r)) throw new RangeError(`subnet ${i} is not in a range of ${subnetCount(r)}`);
  return { network: r.cluster.network + i * 2 ** (32 - r.maskSize), prefix: r.maskSize };
}

/**
 * The index of `subnet` in the range, or undefined unless it is exactly one of its subnets (in the
 * cluster CIDR, of the mask size, in canonical form).
 */
export function subnetIndex(r: NodeCidrRange, subnet: string): number | undefined {
  let c: Ipv4Cidr;
  try {
    c = parseIpv4Cidr(subnet);
  } catch (e) {
    if (e instanceof CidrSyntaxError) return undefined;
    throw e;
  }
  if (c.prefix !== r.maskSize || formatIpv4Cidr(c) !== subnet || !cidrContains(r.cluster, c.network)) return undefined;
  return (c.network - r.cluster.network) / 2 ** (32 - r.maskSize);
}

/** The free subnets of the range (those not in `taken`), lowest first; none past the end. */
export function* freeSubnets(r: NodeCidrRange, taken: ReadonlySet<string>): Generator<string> {
  const n = subnetCount(r);
  for (let i = 0; i < n; i++) {
    const s = formatIpv4Cidr(subnetAt(r, i));
    if (!taken.has(s)) yield s;
  }
}

/** The lowest free subnet, or undefined when every one is taken (exhausted). */
export function lowestFreeSubnet(r: NodeCidrRange, taken: ReadonlySet<string>): string | undefined {
  for (const s of freeSubnets(r, taken)) return s;
  return undefined;
}

/** The text of a range (`10.244.0.0/16 in /24s`) for messages. */
export function describeNodeCidrRange(r: NodeCidrRange): string {
  return `${formatIpv4Cidr(r.cluster)} in /${r.maskSize}s`;
}

/** The KV key of a subnet: its text with `/` as `_` (`10.244.3.0_24`). */
export function podCIDRKey(subnet: string): string {
  return subnet.replace('/', '_');
}

/** The subnet a KV key names, or undefined for other keys (such as `range`). */
export function subnetOfKey(key: string): string | undefined {
  const m = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})_(\d{1,2})$/.exec(key);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
