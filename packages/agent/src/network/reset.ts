/**
 * Removing a node's pod network from its machine (`wharf reset`, test clean-ups): the Docker
 * network(s) labelled with the cluster and node, the node's iptables chains and every jump to
 * them, and the routes of protocol 213 inside the cluster CIDR. Each step runs even when an
 * earlier one failed; what could not be removed is reported together at the end.
 */
import { DockerRuntime } from '../runtime/docker.js';
import type { Runtime } from '../runtime/runtime.js';
import { deleteRoute, removeRules, wharfRoutes } from './host.js';
import { cidrWithin, networkNames, parseCidr, PodNetworkError } from './plan.js';

/** What to remove. */
export interface PodNetworkRemoval {
  cluster: string;
  node: string;
  /** Routes of protocol 213 inside it go (default 10.244.0.0/16); null leaves routes alone (another agent of the machine still routes). */
  clusterCidr?: string | null;
  /** The engine holding the network (default /var/run/docker.sock), or a runtime. */
  dockerSocket?: string;
  runtime?: Runtime;
}

/** What was removed. */
export interface PodNetworkRemoved {
  networks: string[];
  chains: string[];
  routes: string[];
}

/**
 * Removes the pod network of `<cluster>/<node>` from this machine (network namespace); throws a
 * PodNetworkError listing what it could not remove (a network still used by containers: remove
 * the node's pods first).
 */
export async function removePodNetwork(o: PodNetworkRemoval): Promise<PodNetworkRemoved> {
  const names = networkNames(o.cluster, o.node);
  const runtime = o.runtime ?? new DockerRuntime(o.dockerSocket);
  const failures: string[] = [];
  const removed: PodNetworkRemoved = { networks: [], chains: [], routes: [] };
  try {
    // Only networks carrying the node's labels: one that merely has the name is not Wharf's.
    for (const n of await runtime.listNetworks(names.labels)) {
      if (n.containers > 0) {
        failures.push(`the Docker network ${n.name} still has ${n.containers} container(s): remove the node's pods first`);
        continue;
      }
      await runtime.removeNetwork(n.name);
      removed.networks.push(n.name);
    }
  } catch (e) {
    failures.push(`Docker networks: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    removed.chains.push(...(await removeRules(names)));
  } catch (e) {
    failures.push((e as Error).message);
  }
  if (o.clusterCidr !== null) {
    try {
      const cluster = parseCidr('the cluster CIDR', o.clusterCidr ?? '10.244.0.0/16');
      for (const r of await wharfRoutes()) {
        if (!cidrWithin(parseCidr('route', r.dst), cluster)) continue;
        await deleteRoute(r.dst);
        removed.routes.push(r.dst);
      }
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (failures.length) throw new PodNetworkError(`removing the pod network of ${o.cluster}/${o.node} left: ${failures.join('; ')}`);
  return removed;
}
