/**
 * Docker Swarm as the peer of `wharf join`: `swarm init` on one simulated host's own dockerd
 * (listening and advertising on its bridge address), then `swarm join` from the others, timed
 * until the manager lists the node as ready. Overlay ranges come from a /24 of this run's slot
 * (10.216.<slot>.0/24), inside the hosts' namespaces only. Everything is left again at the end.
 */
import type { Host } from '../../test/harness/hosts.js';
import { until } from './cluster.js';

/** One timed swarm join. */
export interface SwarmSample {
  rep: number;
  host: string;
  /** `swarm join` returned. */
  returnMs: number;
  /** The manager lists the node with state ready. */
  readyMs: number;
}

/** Times `repeats` rounds of every worker joining `manager`'s swarm (leaving and removed in between). */
export async function swarmJoins(manager: Host, workers: Host[], repeats: number, overlayPool: string): Promise<SwarmSample[]> {
  const samples: SwarmSample[] = [];
  await manager.docker.swarmInit({ ListenAddr: `${manager.address}:2377`, AdvertiseAddr: manager.address, DefaultAddrPool: [overlayPool], SubnetSize: 26 });
  try {
    const token = ((await manager.docker.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
    for (let rep = 1; rep <= repeats; rep++) {
      for (const h of workers) {
        const t0 = performance.now();
        await h.docker.swarmJoin({ ListenAddr: `${h.address}:2377`, AdvertiseAddr: h.address, RemoteAddrs: [`${manager.address}:2377`], JoinToken: token });
        const returnMs = performance.now() - t0;
        const id = ((await h.docker.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
        await until(`swarm node ${h.name} ready`, 60_000, 50, async () => {
          const n = (await manager.docker.getNode(id).inspect().catch(() => undefined)) as { Status?: { State?: string } } | undefined;
          return n?.Status?.State === 'ready' ? true : undefined;
        });
        samples.push({ rep, host: h.name, returnMs, readyMs: performance.now() - t0 });
        await h.docker.swarmLeave({ force: true });
        await until(`swarm node ${h.name} down`, 60_000, 200, async () => {
          const n = (await manager.docker.getNode(id).inspect().catch(() => undefined)) as { Status?: { State?: string } } | undefined;
          return n?.Status?.State === 'ready' ? undefined : true;
        });
        await manager.docker.getNode(id).remove({ force: true });
      }
    }
  } finally {
    for (const h of [...workers, manager]) {
      await h.docker.swarmLeave({ force: true }).catch(() => undefined);
      await h.docker.getNetwork('docker_gwbridge').remove().catch(() => undefined);
    }
  }
  return samples;
}
