/**
 * What `wharf reset` removes of the machine's networking: the node's pod containers, its pod network (wharf-agent's
 * Docker network, iptables chains and host-gw routes) and the service range wharf-proxy made
 * local. The cluster, node and ranges are read from the daemons' saved command lines.
 */
import { savedServices } from './supervise.js';

const flagOf = (args: readonly string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Removes what the agent and proxy started from `runDir` set up; returns one line per thing done or left. */
export async function removeNetworking(runDir: string): Promise<string[]> {
  const out: string[] = [];
  const services = savedServices(runDir, ['wharf-agent', 'wharf-proxy']);
  const agent = services.find((s) => s.name === 'wharf-agent');
  const proxy = services.find((s) => s.name === 'wharf-proxy');
  if (agent) {
    const { removePodNetwork } = await import('@wharf/agent');
    const cluster = flagOf(agent.args, '--cluster') ?? 'default';
    const node = flagOf(agent.args, '--node') ?? '';
    try {
      const r = await removePodNetwork({ cluster, node, clusterCidr: flagOf(agent.args, '--cluster-cidr') ?? '10.244.0.0/16', dockerSocket: flagOf(agent.args, '--docker-socket') ?? '/var/run/docker.sock', removePods: true });
      if (r.containers.length) out.push(`removed ${r.containers.length} container(s) of the pods of ${node}`);
      out.push(`removed the pod network of ${node}: ${[...r.networks, ...r.chains, ...r.routes].join(', ') || 'nothing was left'}`);
    } catch (e) {
      out.push(`the pod network of ${node} was not removed completely: ${(e as Error).message}`);
    }
  }
  if (proxy) {
    const { removeServiceRange } = await import('@wharf/proxy');
    const cluster = flagOf(proxy.args, '--cluster') ?? 'default';
    try {
      if (await removeServiceRange(cluster)) out.push('removed the local service range');
    } catch (e) {
      out.push(`the local service range was not removed: ${(e as Error).message}`);
    }
  }
  return out;
}
