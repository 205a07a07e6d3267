/**
 * wharf-agent's main: checks Docker, root and the network tools, connects to NATS, claims the
 * node name, registers the Node (through the node relay of wharf-api, waiting for one to answer),
 * makes the pod network once it has a pod CIDR, then runs the heartbeat, the routing view, the
 * pod network, the kubelet loop and the log shipper until SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { closeOnSignals, createLogger, EventStore, LogStore, NodeFeed, NodeRelayClient, ProxyAcks, StartupError } from '@wharf/store';
import { machineFacts } from './facts.js';
import { agentConfig, type AgentConfig } from './flags.js';
import { Heartbeat } from './heartbeat.js';
import { Kubelet } from './kubelet.js';
import { checkHostNetwork } from './network/host.js';
import { networkNames, PodNetworkError } from './network/plan.js';
import { PodNetwork } from './network/podnet.js';
import { LogShipper } from './logship.js';
import { registerNode } from './node.js';
import { RelayObjects } from './relay.js';
import { RoutingObserver } from './routing.js';
import { DockerRuntime } from './runtime/docker.js';
import { FakeRuntime } from './runtime/fake.js';
import type { Runtime } from './runtime/runtime.js';

/** A running agent. */
export interface RunningAgent {
  kubelet: Kubelet;
  instance: string;
  /** Stops the agent, leaving its containers running. */
  stop(): Promise<void>;
}

/**
 * Starts an agent with `cfg` (and optionally another runtime); resolves once it follows its feed.
 * With the fake runtime (hollow nodes) the pod network exists in that runtime alone.
 */
export async function startAgent(cfg: AgentConfig, runtime: Runtime = new DockerRuntime(cfg.dockerSocket)): Promise<RunningAgent> {
  const log = createLogger('agent').child({ node: cfg.node });
  const runtimeVersion = await runtime.version();
  const host = !(runtime instanceof FakeRuntime);
  if (host) await checkHostNetwork().catch((e: Error) => Promise.reject(new StartupError(e.message)));
  const store = await EventStore.connect({ natsUrl: cfg.natsUrl, auth: cfg.natsAuth, cluster: cfg.cluster, name: `wharf-agent ${cfg.node}` });
  const instance = randomUUID();
  let kubelet: Kubelet | undefined;
  let shipper: LogShipper | undefined;
  let hb: Heartbeat | undefined;
  let routing: RoutingObserver | undefined;
  let network: PodNetwork | undefined;
  try {
    hb = await Heartbeat.claim(store, { node: cfg.node, instance, address: cfg.address, intervalMs: cfg.heartbeatMs }, (by) => {
      log.fatal({ by }, 'another agent took this node name over; exiting');
      process.exit(1);
    });
    const objects = new RelayObjects(new NodeRelayClient(store.nc, store.subjects, cfg.node), log);
    await registerNode(objects, machineFacts(cfg, runtimeVersion));
    const logs = await LogStore.open(store, { maxBytes: cfg.logMaxBytes });
    const feed = await NodeFeed.open(store);
    shipper = new LogShipper(logs, runtime, log, cfg.node);
    routing = new RoutingObserver(store, await ProxyAcks.open(store), log, () => kubelet?.routingChanged());
    routing.start();
    network = new PodNetwork({ cluster: cfg.cluster, node: cfg.node, clusterCidr: cfg.clusterCidr, ...(cfg.podCidr ? { podCidr: cfg.podCidr } : {}), runtime, host, objects, store, log, onReady: () => kubelet?.kick() });
    await network.start().catch((e: Error) => Promise.reject(e instanceof PodNetworkError ? new StartupError(e.message) : e));
    const { name: networkName } = networkNames(cfg.cluster, cfg.node);
    kubelet = new Kubelet({
      objects,
      feed,
      runtime,
      shipper,
      ctx: { cluster: cfg.cluster, node: cfg.node, address: cfg.address, stateDir: cfg.stateDir, pauseImage: cfg.pauseImage, network: networkName, clusterDns: cfg.clusterDns, clusterDomain: cfg.clusterDomain },
      backoff: cfg.backoff,
      resyncMs: cfg.resyncMs,
      log,
      routing,
      network,
    });
    await kubelet.start();
  } catch (e) {
    await network?.stop();
    await routing?.stop();
    await hb?.close();
    await store.close();
    throw e;
  }
  log.info({ instance, runtime: runtimeVersion, address: cfg.address }, 'agent started');
  const k = kubelet;
  const s = shipper;
  const h = hb;
  const r = routing;
  const n = network;
  return {
    kubelet: k,
    instance,
    async stop() {
      await k.stop();
      await n.stop();
      await r.stop();
      await s.stop();
      await h.close();
      await store.close();
      log.info('agent stopped');
    },
  };
}

/** The wharf-agent command: parse flags, start, stop gracefully on SIGTERM/SIGINT. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const cfg = agentConfig(argv);
  if (!cfg.node.trim()) throw new StartupError('--node must not be empty');
  const agent = await startAgent(cfg, cfg.runtime === 'fake' ? new FakeRuntime() : new DockerRuntime(cfg.dockerSocket));
  closeOnSignals(() => agent.stop(), { log: createLogger('agent').child({ node: cfg.node }), timeoutMs: cfg.shutdownTimeoutMs });
}
