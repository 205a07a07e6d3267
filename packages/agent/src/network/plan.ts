/**
 * The pod network of one node (pure): the Docker bridge network `wharf-<cluster>-<node>` on the
 * node's podCIDR, its gateway (the first host address), the bridge interface and the iptables
 * chains, named from sha256(`<cluster>/<node>`) so that every agent of one machine (test
 * clusters run several on one engine) has its own, and the interface starts with `wharf`, which
 * the machine-network overlap checks ignore.
 */
import { createHash } from 'node:crypto';
import { cidrContains, CidrSyntaxError, formatIpv4Cidr, type Ipv4Cidr, numberToIpv4, parseIpv4Cidr } from '@wharf/model';
import { LABELS } from '../labels.js';
import type { NetworkInfo } from '../runtime/runtime.js';

/** The node's pod network cannot be made as asked (a bad or foreign CIDR, a network in the way); the message says why in one line. */
export class PodNetworkError extends Error {
  override name = 'PodNetworkError';
}

/** Everything that names the pod network of one node. */
export interface PodNetworkPlan {
  cluster: string;
  node: string;
  /** The Docker network: `wharf-<cluster>-<node>`. */
  name: string;
  /** The bridge interface: `wharf` + 8 hex digits (13 characters, within Linux's 15). */
  bridge: string;
  /** The node's pod CIDR, canonical (`10.244.1.0/24`). */
  podCidr: string;
  /** The cluster CIDR every pod CIDR lies in, canonical. */
  clusterCidr: string;
  /** The bridge's address, the pods' gateway: the first host address of the pod CIDR. */
  gateway: string;
  /** The filter chain accepting pod traffic, jumped to from DOCKER-USER (or FORWARD). */
  fwdChain: string;
  /** The nat chain masquerading traffic leaving the cluster CIDR, jumped to from POSTROUTING. */
  natChain: string;
  /** The labels of the Docker network (cluster and node), by which it is found and cleaned up. */
  labels: Record<string, string>;
}

/** The 8 hex digits naming the network things of `<cluster>/<node>`. */
export function networkHash(cluster: string, node: string): string {
  return createHash('sha256').update(`${cluster}/${node}`).digest('hex').slice(0, 8);
}

/** The names of the node's network things that do not depend on its pod CIDR (what a reset removes). */
export function networkNames(cluster: string, node: string): Pick<PodNetworkPlan, 'cluster' | 'node' | 'name' | 'bridge' | 'fwdChain' | 'natChain' | 'labels'> {
  const h = networkHash(cluster, node);
  return {
    cluster,
    node,
    name: `wharf-${cluster}-${node}`,
    bridge: `wharf${h}`,
    fwdChain: `WHARF-FWD-${h}`,
    natChain: `WHARF-NAT-${h}`,
    labels: { [LABELS.cluster]: cluster, [LABELS.node]: node },
  };
}

/** Parses a CIDR given as `what`, turning a syntax error into a PodNetworkError naming it. */
export function parseCidr(what: string, text: string): Ipv4Cidr {
  try {
    return parseIpv4Cidr(text);
  } catch (e) {
    if (e instanceof CidrSyntaxError) throw new PodNetworkError(`${what}: ${e.message}`);
    throw e;
  }
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrWithin(inner: Ipv4Cidr, outer: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}

/**
 * The pod network of `node` on `podCidr`; throws PodNetworkError when the pod CIDR does not parse,
 * has no room for a gateway and a pod (a prefix above /30), or does not lie in the cluster CIDR.
 */
export function podNetworkPlan(cluster: string, node: string, podCidr: string, clusterCidr: string): PodNetworkPlan {
  const pod = parseCidr(`the pod CIDR of node ${node}`, podCidr);
  const all = parseCidr('the cluster CIDR (--cluster-cidr)', clusterCidr);
  if (pod.prefix > 30) throw new PodNetworkError(`the pod CIDR ${formatIpv4Cidr(pod)} of node ${node} is too small: a node needs at least a /30 (a gateway and a pod)`);
  if (!cidrWithin(pod, all)) throw new PodNetworkError(`the pod CIDR ${formatIpv4Cidr(pod)} of node ${node} is not inside the cluster CIDR ${formatIpv4Cidr(all)} (--cluster-cidr)`);
  return { ...networkNames(cluster, node), podCidr: formatIpv4Cidr(pod), clusterCidr: formatIpv4Cidr(all), gateway: numberToIpv4(pod.network + 1) };
}

/** What the node does with the Docker network it finds under its network's name. */
export type NetworkAction = 'create' | 'reuse' | 'recreate';

/**
 * The decision on an existing network (pure): none → create; Wharf's own for this node with the
 * same subnet, gateway and bridge → reuse (an agent restart keeps its pods' addresses); another
 * subnet with no container attached → recreate; else a PodNetworkError saying what is in the way.
 */
export function networkAction(existing: NetworkInfo | undefined, p: PodNetworkPlan): NetworkAction {
  if (!existing) return 'create';
  const ours = Object.entries(p.labels).every(([k, v]) => existing.labels[k] === v);
  if (!ours) throw new PodNetworkError(`a Docker network named ${p.name} exists that Wharf did not make for node ${p.node} of cluster ${p.cluster}: remove it (docker network rm ${p.name})`);
  const same = existing.subnets.length === 1 && existing.subnets[0] === p.podCidr && existing.gateways.every((g) => g === p.gateway) && existing.bridge === p.bridge;
  if (same) return 'reuse';
  if (existing.containers === 0) return 'recreate';
  const was = existing.subnets.join(', ') || 'no subnet';
  throw new PodNetworkError(
    `the Docker network ${p.name} is on ${was} but node ${p.node}'s pod CIDR is ${p.podCidr}, and ${existing.containers} container(s) still use it: remove them (or run wharf reset on this machine) and start the agent again`,
  );
}
