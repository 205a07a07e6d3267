/**
 * wharf-proxy's main: one process per node. Follows Services and Endpoints from the log, serves
 * every NodePort on the node's address and acknowledges what it applied, until SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { closeOnSignals, createLogger, EventStore, type Logger, type NatsAuth, natsAuthOf, parseFlags, ProxyAcks, ServiceFeed, shutdownTimeoutMs, UsageError } from '@wharf/store';
import { AckWriter } from './ack.js';
import { NodePortProxy } from './proxy.js';

const BIN = 'wharf-proxy';

const FLAGS = {
  node: { description: "this node's name (for logs)", env: 'WHARF_NODE', required: true },
  address: { description: 'the address to listen on for NodePorts (the node\'s advertised address)', env: 'WHARF_NODE_ADDRESS', required: true },
  'connect-timeout': { description: 'ms to wait for a backend to accept before trying the next one', default: '1000' },
  'replay-limit': { description: 'client bytes kept for a retry until the backend answers', default: '65536' },
  'heartbeat-interval': { description: 'ms between two acknowledgements when nothing changes; agents stop waiting for a proxy silent for 3 intervals', default: '2000' },
};

/** A running proxy. */
export interface RunningProxy {
  proxy: NodePortProxy;
  feed: ServiceFeed;
  acks: AckWriter;
  stop(): Promise<void>;
}

/** Settings of startProxy. */
export interface ProxyConfig {
  natsUrl: string;
  /** NATS credentials and TLS. */
  natsAuth?: NatsAuth;
  cluster: string;
  node: string;
  address: string;
  connectTimeoutMs: number;
  replayLimit: number;
  /** ms between two acknowledgements when nothing changes (default 2000). */
  heartbeatMs?: number;
  log?: Logger;
}

/** Connects to the log and starts serving NodePorts. */
export async function startProxy(cfg: ProxyConfig): Promise<RunningProxy> {
  const log = cfg.log ?? createLogger(BIN).child({ node: cfg.node });
  const store = await EventStore.connect({ natsUrl: cfg.natsUrl, auth: cfg.natsAuth, cluster: cfg.cluster, name: `${BIN} ${cfg.node}` });
  let acks: AckWriter | undefined;
  const proxy = new NodePortProxy({ address: cfg.address, log, connectTimeoutMs: cfg.connectTimeoutMs, replayLimit: cfg.replayLimit, onDrainChange: () => acks?.request() });
  try {
    const bucket = await ProxyAcks.open(store);
    const id = { node: cfg.node, instance: randomUUID(), address: cfg.address, intervalMs: cfg.heartbeatMs ?? 2000 };
    acks = new AckWriter(bucket, id, () => ({ seq: proxy.seq, draining: proxy.draining().map((b) => ({ ip: b.host, port: b.port })) }), log);
  } catch (e) {
    await store.close();
    throw e;
  }
  const writer = acks;
  // Every applied state is acknowledged: agents wait for it before stopping a removed pod.
  const feed = new ServiceFeed(store, log, (state) => {
    proxy.apply(state);
    writer.request();
  });
  feed.start();
  writer.start();
  log.info({ address: cfg.address, cluster: cfg.cluster }, 'proxy started');
  return {
    proxy,
    feed,
    acks: writer,
    async stop() {
      await feed.stop();
      await proxy.stop();
      await writer.stop();
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
    natsAuth: natsAuthOf(f),
    cluster: f.cluster!,
    node: f.node!,
    address: f.address!,
    connectTimeoutMs: positive('connect-timeout', f['connect-timeout']!),
    replayLimit: positive('replay-limit', f['replay-limit']!),
    heartbeatMs: positive('heartbeat-interval', f['heartbeat-interval']!),
    log,
  });
  closeOnSignals(() => running.stop(), { log, timeoutMs });
}
