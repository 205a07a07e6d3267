/**
 * Node IPAM decisions (pure), as kube-controller-manager's range allocator: a Node without a pod
 * CIDR gets its own claimed subnet if it has one (a claim made before a crash or by another
 * instance), else the lowest free subnet of the range; a claim whose node is gone, or whose node
 * holds another subnet, is freed; a node whose subnet has no claim (claims lost, or an admin's
 * choice) gets it claimed again. A node left without a subnet is marked NetworkUnavailable=True,
 * reason NoCIDRAvailable, until one frees up.
 */
import { type Condition, describeNodeCidrRange, freeSubnets, type Node, type NodeCidrRange, type Stored, subnetIndex } from '@wharf/model';

/** The condition a node left without a pod CIDR carries, and its reason. */
export const NETWORK_UNAVAILABLE = 'NetworkUnavailable';
export const NO_CIDR_AVAILABLE = 'NoCIDRAvailable';

/** One claim of the bucket: a subnet, the node it names, and the revision that wrote it. */
export interface Claim {
  subnet: string;
  node: string;
  revision: number;
}

/** What one look at a node needs. */
export interface IpamInput {
  /** The node's name (the key); the node itself may be gone. */
  name: string;
  node: Stored<Node> | undefined;
  range: NodeCidrRange;
  /** Every claim in the bucket (as mirrored). */
  claims: readonly Claim[];
  /** The pod CIDRs that Nodes hold in their spec, claimed or not: never handed out again. */
  held: ReadonlySet<string>;
}

/** What to do for one node. Claims to free must be confirmed against fresh state first. */
export interface IpamPlan {
  /** Claims naming this node that it does not use: the node is gone, or holds another subnet. */
  release: Claim[];
  /** The node's own pod CIDR, in the range but not claimed by it: claim it. */
  reclaim?: string;
  /**
   * For a node that needs a pod CIDR: the subnets to claim, in order (its own claims lowest first,
   * then the free subnets lowest first); the first one claimed is its. Empty: the range is full.
   */
  candidates?: Iterable<string>;
}

/** The claims naming `name`, lowest subnet first. */
function claimsOf(claims: readonly Claim[], name: string, range: NodeCidrRange): Claim[] {
  const index = (c: Claim) => subnetIndex(range, c.subnet) ?? Number.MAX_SAFE_INTEGER;
  return claims.filter((c) => c.node === name).sort((a, b) => index(a) - index(b));
}

/** Plans one look at a node. */
export function planNodeIpam({ name, node, range, claims, held }: IpamInput): IpamPlan {
  const own = claimsOf(claims, name, range);
  if (!node) return { release: own };
  const cidr = node.spec?.podCIDR;
  if (cidr) {
    const release = own.filter((c) => c.subnet !== cidr);
    const reclaim = subnetIndex(range, cidr) !== undefined && !own.some((c) => c.subnet === cidr) ? cidr : undefined;
    return { release, ...(reclaim ? { reclaim } : {}) };
  }
  // A node being deleted gets nothing new; it keeps what it claimed until it is gone.
  if (node.metadata.deletionTimestamp) return { release: [] };
  const taken = new Set([...held, ...claims.map((c) => c.subnet)]);
  // Its own claims come first, unless another Node's spec holds the subnet (an admin set it).
  const mine = own.filter((c) => subnetIndex(range, c.subnet) !== undefined && !held.has(c.subnet)).map((c) => c.subnet);
  return { release: [], candidates: concat(mine, freeSubnets(range, taken)) };
}

function* concat(first: readonly string[], rest: Iterable<string>): Generator<string> {
  yield* first;
  yield* rest;
}

const without = (conditions: Condition[] | undefined) => (conditions ?? []).filter((c) => !(c.type === NETWORK_UNAVAILABLE && c.reason === NO_CIDR_AVAILABLE));

/** The node with `subnet` as its pod CIDR (spec.podCIDR and spec.podCIDRs), and no NoCIDRAvailable condition. */
export function withPodCIDR(node: Stored<Node>, subnet: string): Stored<Node> {
  const out: Stored<Node> = { ...node, spec: { ...node.spec, podCIDR: subnet, podCIDRs: [subnet] } };
  if (node.status?.conditions) out.status = { ...node.status, conditions: without(node.status.conditions) };
  return out;
}

/** True when the node is marked as having no pod CIDR available. */
export function markedNoCIDR(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === NETWORK_UNAVAILABLE && c.status === 'True' && c.reason === NO_CIDR_AVAILABLE);
}

/** The node marked NetworkUnavailable=True (NoCIDRAvailable), or undefined when it is already. */
export function withNoCIDR(node: Stored<Node>, range: NodeCidrRange, now: Date): Stored<Node> | undefined {
  if (markedNoCIDR(node)) return undefined;
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cond: Condition = { type: NETWORK_UNAVAILABLE, status: 'True', reason: NO_CIDR_AVAILABLE, message: `no pod CIDR is free in ${describeNodeCidrRange(range)}`, lastHeartbeatTime: at, lastTransitionTime: at };
  return { ...node, status: { ...node.status, conditions: [...without(node.status?.conditions), cond] } };
}
