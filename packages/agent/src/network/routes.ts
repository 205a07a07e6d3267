/**
 * Host-gw routes (pure), flannel's idea: every other node's pod CIDR is routed via that node's
 * address, with protocol 213 marking the route as Wharf's. A route's source is this node's
 * gateway address (inside the cluster CIDR), so what the node itself sends to a pod elsewhere
 * (a proxy forwarding a NodePort or ClusterIP connection) passes the other node's forward
 * chain, which accepts the cluster CIDR only.
 *
 * Only routes inside the cluster CIDR are ever made or removed: a Node whose pod CIDR lies
 * outside it (or does not parse) is skipped, and routes of protocol 213 elsewhere are not ours.
 */
import { cidrsOverlap, formatIpv4Cidr, ipv4ToNumber, type Node } from '@wharf/model';
import { cidrWithin, parseCidr } from './plan.js';

/** The protocol number of Wharf's routes (`ip route ... proto 213`). */
export const ROUTE_PROTO = 213;

/** One route: `<dst> via <via> [src <src>]`. */
export interface Route {
  /** A CIDR, canonical. */
  dst: string;
  via: string;
  src?: string;
}

/** What the desired routes depend on. */
export interface RouteInput {
  /** This node's name: its own Node is never routed to. */
  self: string;
  nodes: readonly Node[];
  clusterCidr: string;
  /** This machine's addresses: a node at one of them is on this machine, its bridge is local. */
  localAddresses: ReadonlySet<string>;
  /** This node's pod CIDR: another node claiming an overlapping one is not routed. */
  ownPodCidr?: string;
  /** The source address of the routes (this node's gateway). */
  src?: string;
}

/** The pod CIDR a Node carries (`spec.podCIDR`, else the first of `spec.podCIDRs`). */
export function podCidrOf(n: Node): string | undefined {
  return n.spec?.podCIDR || n.spec?.podCIDRs?.[0] || undefined;
}

/** The Node's first InternalIP if it is an IPv4 address. */
export function internalIpOf(n: Node): string | undefined {
  const a = n.status?.addresses?.find((x) => x.type === 'InternalIP')?.address;
  return a && ipv4ToNumber(a) !== undefined ? a : undefined;
}

function tryCidr(text: string | undefined): ReturnType<typeof parseCidr> | undefined {
  if (!text) return undefined;
  try {
    return parseCidr('pod CIDR', text);
  } catch {
    return undefined;
  }
}

const canonical = (text: string) => formatIpv4Cidr(parseCidr('route', text));

/**
 * The routes this node wants, sorted by destination: one per other Node with a pod CIDR inside
 * the cluster CIDR and an IPv4 InternalIP that is not this machine's; a destination two Nodes
 * claim goes to the first by name; none overlaps this node's own pod CIDR.
 */
export function desiredRoutes(input: RouteInput): Route[] {
  const all = parseCidr('the cluster CIDR', input.clusterCidr);
  const own = tryCidr(input.ownPodCidr);
  const byDst = new Map<string, Route>();
  const name = (n: Node) => n.metadata.name ?? '';
  const nodes = [...input.nodes].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  for (const n of nodes) {
    if (n.metadata.name === input.self) continue;
    const cidr = tryCidr(podCidrOf(n));
    const via = internalIpOf(n);
    if (!cidr || !via || input.localAddresses.has(via)) continue;
    if (!cidrWithin(cidr, all) || (own && cidrsOverlap(cidr, own))) continue;
    const dst = formatIpv4Cidr(cidr);
    if (!byDst.has(dst)) byDst.set(dst, { dst, via, ...(input.src ? { src: input.src } : {}) });
  }
  return [...byDst.values()].sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

/**
 * What turns `current` (this machine's protocol-213 routes) into `desired`: routes to replace
 * (missing, or with another gateway or source) and destinations to delete (inside the cluster
 * CIDR and no longer wanted). A route outside the cluster CIDR is never touched.
 */
export function routeChanges(current: readonly Route[], desired: readonly Route[], clusterCidr: string): { replace: Route[]; remove: string[] } {
  const all = parseCidr('the cluster CIDR', clusterCidr);
  const inside = (r: Route) => {
    const c = tryCidr(r.dst);
    return !!c && cidrWithin(c, all);
  };
  const have = new Map(current.filter(inside).map((r) => [canonical(r.dst), r]));
  const want = new Map(desired.filter(inside).map((r) => [canonical(r.dst), r]));
  const replace = [...want.values()].filter((r) => {
    const h = have.get(canonical(r.dst));
    return !h || h.via !== r.via || (h.src ?? '') !== (r.src ?? '');
  });
  const remove = [...have.keys()].filter((d) => !want.has(d));
  return { replace, remove };
}

/** The routes of `ip -j -4 route show proto 213` (JSON); a destination without a prefix is a /32. */
export function parseRouteJson(text: string): Route[] {
  const rows = text.trim() ? (JSON.parse(text) as { dst?: string; gateway?: string; prefsrc?: string }[]) : [];
  const out: Route[] = [];
  for (const r of rows) {
    if (!r.dst || !r.gateway || r.dst === 'default') continue;
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    if (!tryCidr(dst)) continue;
    out.push({ dst: canonical(dst), via: r.gateway, ...(r.prefsrc ? { src: r.prefsrc } : {}) });
  }
  return out;
}
