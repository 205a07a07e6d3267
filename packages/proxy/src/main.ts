/**
 * wharf-proxy's main: one process per node. Makes the service CIDR local, follows Services and
 * Endpoints from the log, serves every NodePort on the node's address and every service port on
 * its cluster IP, serves the cluster DNS, and acknowledges what it applied, until SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatIpv4Cidr } from '@wharf/model';
import { closeOnSignals, createLogger, EventStore, natsAuthOf, parseFlags, ProxyAcks, refuseHostOverlap, ServiceFeed, shutdownTimeoutMs, StartupError } from '@wharf/store';
import { AckWriter } from './ack.js';
import { configOf, FLAGS, type ProxyConfig } from './config.js';
import { DnsServer } from './dns/server.js';
import { checkLocalRangePrerequisites, ensureLocalRange, LocalRange } from './localrange.js';
import { ServiceProxy } from './proxy.js';

const BIN = 'wharf-proxy';
const SUMMARY = `${BIN}: the NodePort proxy of a Wharf node, which also serves every Service's cluster IP and the cluster DNS (kube-proxy, kube-dns); round-robins each TCP connection over a Service's ready endpoints`;

/** A running proxy. */
export interface RunningProxy {
  proxy: ServiceProxy;
  /** The DNS responder, when on (it may still be retrying its bind: see its log). */
  dns?: DnsServer;
  /** The keeper of the local service range, when a service CIDR is served. */
  localRange?: LocalRange;
  feed: ServiceFeed;
  acks: AckWriter;
  stop(): Promise<void>;
}

/** Checks and makes the service CIDR local before anything listens; one-line StartupErrors. */
async function makeRangeLocal(cfg: ProxyConfig, range: LocalRange): Promise<void> {
  const cidr = range.cidr;
  try {
    await checkLocalRangePrerequisites(cidr);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  refuseHostOverlap('service-cidr', cidr);
  try {
    await ensureLocalRange(range.link, cidr);
  } catch (e) {
    throw new StartupError(`--service-cidr ${formatIpv4Cidr(cidr)}: ${(e as Error).message}`);
  }
  range.log.info({ link: range.link, serviceCidr: formatIpv4Cidr(cidr), cluster: cfg.cluster }, 'service CIDR is local');
}

/** Connects to the log and starts serving NodePorts, cluster IPs and DNS. */
export async function startProxy(cfg: ProxyConfig): Promise<RunningProxy> {
  const log = cfg.log ?? createLogger(BIN).child({ node: cfg.node });
  const range = cfg.serviceCidr && new LocalRange(cfg.cluster, cfg.serviceCidr, log);
  if (range) await makeRangeLocal(cfg, range);
  const store = await EventStore.connect({ natsUrl: cfg.natsUrl, auth: cfg.natsAuth, cluster: cfg.cluster, name: `${BIN} ${cfg.node}` });
  let acks: AckWriter | undefined;
  const onAddressMissing = () => void range?.ensure();
  const proxy = new ServiceProxy({
    address: cfg.address,
    serviceCidr: cfg.serviceCidr,
    log,
    connectTimeoutMs: cfg.connectTimeoutMs,
    replayLimit: cfg.replayLimit,
    ...(cfg.rebindMs ? { rebindMs: cfg.rebindMs } : {}),
    onDrainChange: () => acks?.request(),
    onAddressMissing,
  });
  try {
    const bucket = await ProxyAcks.open(store);
    const id = { node: cfg.node, instance: randomUUID(), address: cfg.address, intervalMs: cfg.heartbeatMs ?? 2000 };
    acks = new AckWriter(bucket, id, () => ({ seq: proxy.seq, draining: proxy.draining().map((b) => ({ ip: b.host, port: b.port })) }), log);
  } catch (e) {
    await store.close();
    throw e;
  }
  const writer = acks;
  const dns = cfg.dns && new DnsServer({ ...cfg.dns, log, onAddressMissing, ...(cfg.rebindMs ? { rebindMs: cfg.rebindMs } : {}) });
  // Every applied state is acknowledged: agents wait for it before stopping a removed pod. The
  // DNS responder answers from the first synced state on (SERVFAIL before, never a false NXDOMAIN).
  const feed: ServiceFeed = new ServiceFeed(store, log, (state) => {
    proxy.apply(state);
    writer.request();
    if (feed.synced) dns?.setState(state);
  });
  // A responder that cannot bind (port 53 taken, the address not local yet) is retried, and
  // the proxy serves meanwhile.
  await dns?.serve();
  feed.start();
  writer.start();
  range?.start(cfg.syncPeriodMs ?? 30_000);
  log.info({ address: cfg.address, cluster: cfg.cluster, ...(cfg.serviceCidr ? { serviceCidr: formatIpv4Cidr(cfg.serviceCidr) } : {}), ...(cfg.dns ? { dns: `${cfg.dns.address}:${cfg.dns.port}` } : {}) }, 'proxy started');
  return {
    proxy,
    feed,
    acks: writer,
    ...(dns ? { dns } : {}),
    ...(range ? { localRange: range } : {}),
    async stop() {
      await feed.stop();
      await dns?.stop();
      await proxy.stop();
      await range?.stop();
      await writer.stop();
      await store.close();
    },
  };
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
  const f = parseFlags(BIN, SUMMARY, FLAGS, argv) as Record<string, string>;
  const timeoutMs = shutdownTimeoutMs(f['shutdown-timeout']);
  const log = createLogger(BIN).child({ node: f.node });
  const running = await startProxy({ ...configOf(f, readResolvConf()), natsAuth: natsAuthOf(f), log });
  closeOnSignals(() => running.stop(), { log, timeoutMs });
}
