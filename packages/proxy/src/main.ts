/**
 * wharf-proxy's main: one process per node. Follows Services and Endpoints from the log and
 * serves every NodePort on the node's address until SIGTERM/SIGINT.
 */
import { closeOnSignals, createLogger, EventStore, type Logger, parseFlags, ServiceFeed, shutdownTimeoutMs, UsageError } from '@wharf/store';
import { NodePortProxy } from './proxy.js';

const BIN = 'wharf-proxy';

const FLAGS = {
  node: { description: "this node's name (for logs)", env: 'WHARF_NODE', required: true },
  address: { description: 'the address to listen on for NodePorts (the node\'s advertised address)', env: 'WHARF_NODE_ADDRESS', required: true },
  'connect-timeout': { description: 'ms to wait for a backend to accept before trying the next one', default: '1000' },
  'replay-limit': { description: 'client bytes kept for a retry until the backend answers', default: '65536' },
};

/** A running proxy. */
export interface RunningProxy {
  proxy: NodePortProxy;
  feed: ServiceFeed;
  stop(): Promise<void>;
}

/** Settings of startProxy. */
export interface ProxyConfig {
  natsUrl: string;
  cluster: string;
  node: string;
  address: string;
  connectTimeoutMs: number;
  replayLimit: number;
  log?: Logger;
}

/** Connects to the log and starts serving NodePorts. */
export async function startProxy(cfg: ProxyConfig): Promise<RunningProxy> {
  const log = cfg.log ?? createLogger(BIN).child({ node: cfg.node });
  const store = await EventStore.connect({ natsUrl: cfg.natsUrl, cluster: cfg.cluster, name: `${BIN} ${cfg.node}` });
  const proxy = new NodePortProxy({ address: cfg.address, log, connectTimeoutMs: cfg.connectTimeoutMs, replayLimit: cfg.replayLimit });
  const feed = new ServiceFeed(store, log, (state) => proxy.apply(state));
  feed.start();
  log.info({ address: cfg.address, cluster: cfg.cluster }, 'proxy started');
  return {
    proxy,
    feed,
    async stop() {
      await feed.stop();
      await proxy.stop();
      await store.close();
    },
  };
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag}: "${v}" is not a positive integer`);
  return n;
}

/** The wharf-proxy command: parse flags, start, stop gracefully on SIGTERM/SIGINT. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const f = parseFlags(BIN, `${BIN}: the NodePort proxy of a Wharf node; round-robins each TCP connection over a Service's ready endpoints`, FLAGS, argv) as Record<string, string>;
  const timeoutMs = shutdownTimeoutMs(f['shutdown-timeout']);
  const log = createLogger(BIN).child({ node: f.node });
  const running = await startProxy({
    natsUrl: f.nats!,
    cluster: f.cluster!,
    node: f.node!,
    address: f.address!,
    connectTimeoutMs: positive('connect-timeout', f['connect-timeout']!),
    replayLimit: positive('replay-limit', f['replay-limit']!),
    log,
  });
  closeOnSignals(() => running.stop(), { log, timeoutMs });
}
