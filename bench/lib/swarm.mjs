// Docker Swarm as a peer for the benchmarks: made active for a run and put back as it was.

const GW = 'docker_gwbridge';
const hasNetwork = async (docker, name) => (await docker.listNetworks({ filters: { name: [name] } })).some((n) => n.Name === name);

/**
 * Runs `fn` with Swarm mode active on `docker`. A Swarm this call started is left again
 * afterwards, and the `docker_gwbridge` network that `swarm init` makes is removed with it.
 */
export async function withSwarm(docker, fn) {
  const active = (await docker.info()).Swarm?.LocalNodeState === 'active';
  if (active) return fn();
  const hadGateway = await hasNetwork(docker, GW);
  await docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
  try {
    return await fn();
  } finally {
    await docker.swarmLeave({ force: true });
    if (!hadGateway) await docker.getNetwork(GW).remove().catch(() => undefined);
  }
}
