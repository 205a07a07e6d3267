/**
 * wharf-proxy's main: one process per node. Follows Services and Endpoints from the log, serves
 * every NodePort on the node's address and acknowledges what it applied, until SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseResolvConf } from '@wharf/model';
import { closeOnSignals, createLogger, EventStore, type Logger, type NatsAuth, natsAuthOf, parseFlags, ProxyAcks, ServiceFeed, shutdownTimeoutMs, StartupError, UsageError } from '@wharf/store';
import { AckWriter } from './ack.js';
import { DnsServer } from './dns/server.js';
import { parseUpstream, type Upstream } from './dns/upstream.js';
import { DEFAULT_CLUSTER_DOMAIN } from './dns/zone.js';
import { ServiceProxy } from './proxy.js';

const BIN = 'wharf-proxy';

const FLAGS = {
  node: { description: "this node's name (for logs)", env: 'WHARF_NODE', required: true },
  address: { description: 'the address to listen on for NodePorts (the node\'s advertised address)', env: 'WHARF_NODE_ADDRESS', required: true },
  'connect-timeout': { description: 'ms to wait for a backend to accept before trying the next one', default: '1000' },
  'replay-limit': { description: 'client bytes kept for a retry until the backend answers', default: '65536' },
  'heartbeat-interval': { description: 'ms between two acknowledgements when nothing changes; agents stop waiting for a proxy silent for 3 intervals', default: '2000' },
  'dns-listen': { description: 'ADDR:PORT to serve the cluster DNS on (UDP and TCP); off when not given', env: 'WHARF_DNS_LISTEN' },
  'dns-upstream': { description: 'comma-separated resolvers (HOST or HOST:PORT) for names outside the cluster domain; default: the nameservers of /etc/resolv.conf' },
  'cluster-domain': { description: 'the cluster DNS domain', default: DEFAULT_CLUSTER_DOMAIN },
};

/** A running proxy. */
export interface RunningProxy {
  proxy: ServiceProxy;
  /** The DNS responder, when asked for. */
  dns?: DnsServer;
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
  /** Serve the cluster DNS here, from the same feed. */
  dns?: { address: string; port: number; upstreams: Upstream[]; domain: string };
  log?: Logger;
}

/** Connects to the log and starts serving NodePorts. */
export async function startProxy(cfg: ProxyConfig): Promise<RunningProxy> {
  const log = cfg.log ?? createLogger(BIN).child({ node: cfg.node });
  const store = await EventStore.connect({ natsUrl: cfg.natsUrl, auth: cfg.natsAuth, cluster: cfg.cluster, name: `${BIN} ${cfg.node}` });
  let acks: AckWriter | undefined;
  const proxy = new ServiceProxy({ address: cfg.address, log, connectTimeoutMs: cfg.connectTimeoutMs, replayLimit: cfg.replayLimit, onDrainChange: () => acks?.request() });
  try {
    const bucket = await ProxyAcks.open(store);
    const id = { node: cfg.node, instance: randomUUID(), address: cfg.address, intervalMs: cfg.heartbeatMs ?? 2000 };
    acks = new AckWriter(bucket, id, () => ({ seq: proxy.seq, draining: proxy.draining().map((b) => ({ ip: b.host, port: b.port })) }), log);
  } catch (e) {
    await store.close();
    throw e;
  }
  const writer = acks;
  const dns = cfg.dns && new DnsServer({ ...cfg.dns, log });
  // Every applied state is acknowledged: agents wait for it before stopping a removed pod. The
  // DNS responder answers from the first synced state on (SERVFAIL before, never a false NXDOMAIN).
  const feed: ServiceFeed = new ServiceFeed(store, log, (state) => {
    proxy.apply(state);
    writer.request();
    if (feed.synced) dns?.setState(state);
  });
  try {
    await dns?.start();
  } catch (e) {
    await writer.stop();
    await store.close();
    throw new StartupError(`--dns-listen ${cfg.dns!.address}:${cfg.dns!.port}: ${(e as Error).message}`);
  }
  feed.start();
  writer.start();
  log.info({ address: cfg.address, cluster: cfg.cluster }, 'proxy started');
  return {
    proxy,
    feed,
    acks: writer,
    ...(dns ? { dns } : {}),
    async stop() {
      await feed.stop();
      await dns?.stop();
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

/** The DNS settings of the flags: off without --dns-listen; upstreams from --dns-upstream or /etc/resolv.conf, never the responder itself. */
function dnsOf(f: Record<string, string>): ProxyConfig['dns'] {
  const listen = f['dns-listen'];
  if (!listen) return undefined;
  const at = parseUpstream(listen);
  if (!isIP(at.host) || !Number.isInteger(at.port) || at.port < 1 || at.port > 65535) throw new UsageError(`--dns-listen: "${listen}" is not ADDR:PORT`);
  const given = f['dns-upstream'];
  const names = given ? given.split(',').map((s) => s.trim()).filter(Boolean) : parseResolvConf(readResolvConf()).nameservers;
  const upstreams = names.map(parseUpstream).filter((u) => !(u.host === at.host && u.port === at.port));
  for (const u of upstreams) if (!isIP(u.host) || !Number.isInteger(u.port) || u.port < 1 || u.port > 65535) throw new UsageError(`--dns-upstream: "${u.host}:${u.port}" is not an IP address and port`);
  const domain = f['cluster-domain']!.replace(/\.$/, '');
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i.test(domain)) throw new UsageError(`--cluster-domain: "${f['cluster-domain']}" is not a DNS domain`);
  return { address: at.host, port: at.port, upstreams, domain };
}

function readResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
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
    dns: dnsOf(f),
    log,
  });
  closeOnSignals(() => running.stop(), { log, timeoutMs });
}
