/**
 * wharf-proxy's flags and the settings they make (pure but for the resolv.conf text passed in):
 * the service CIDR made local and served (`off`: NodePorts only), the cluster DNS address and
 * where the responder listens (`<cluster-dns>:53` by default, `off` to turn it off).
 */
import { isIP } from 'node:net';
import { clusterDNSAddress, formatIpv4Cidr, type Ipv4Cidr, parseIpv4Cidr, parseResolvConf } from '@wharf/model';
import { type FlagSpec, type Logger, type NatsAuth, UsageError } from '@wharf/store';
import { parseUpstream, type Upstream } from './dns/upstream.js';
import { DEFAULT_CLUSTER_DOMAIN } from './dns/zone.js';

/** wharf-api's default --service-cluster-ip-range, and so the proxy's default --service-cidr. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/16';
/** The widest service CIDR accepted (as wharf-api): making a wider range local would shadow too much. */
export const MIN_SERVICE_PREFIX = 12;
/** The narrowest (as wharf-api). */
export const MAX_SERVICE_PREFIX = 28;

/** The flags of wharf-proxy (beyond the common ones). */
export const FLAGS: Record<string, FlagSpec> = {
  node: { description: "this node's name (for logs)", env: 'WHARF_NODE', required: true },
  address: { description: "the address to listen on for NodePorts (the node's advertised address)", env: 'WHARF_NODE_ADDRESS', required: true },
  'service-cidr': {
    description: "the service CIDR (wharf-api's --service-cluster-ip-range): made local on this node (an empty bridge link wharfs<8 hex>, a route in the local table; needs root) so that every TCP port of every Service's cluster IP is served here; `off` serves NodePorts only",
    default: DEFAULT_SERVICE_CIDR,
    env: 'WHARF_SERVICE_CIDR',
  },
  'cluster-dns': { description: "the cluster DNS address, pods' nameserver (the agent's --cluster-dns); default: the 10th address of --service-cidr", env: 'WHARF_CLUSTER_DNS' },
  'dns-listen': { description: 'ADDR:PORT to serve the cluster DNS on (UDP and TCP) instead of <cluster-dns>:53; `off` turns the responder off', env: 'WHARF_DNS_LISTEN' },
  'dns-upstream': { description: 'comma-separated resolvers (HOST or HOST:PORT) for names outside the cluster domain; default: the nameservers of /etc/resolv.conf' },
  'cluster-domain': { description: 'the cluster DNS domain', default: DEFAULT_CLUSTER_DOMAIN },
  'connect-timeout': { description: 'ms to wait for a backend to accept before trying the next one', default: '1000' },
  'replay-limit': { description: 'client bytes kept for a retry until the backend answers', default: '65536' },
  'heartbeat-interval': { description: 'ms between two acknowledgements when nothing changes; agents stop waiting for a proxy silent for 3 intervals', default: '2000' },
  'sync-period': { description: 'ms between two checks that the service CIDR is still local (link up, route in place); what is missing is restored', default: '30000' },
};

/** Settings of startProxy. */
export interface ProxyConfig {
  natsUrl: string;
  /** NATS credentials and TLS. */
  natsAuth?: NatsAuth;
  cluster: string;
  node: string;
  /** The node's address: NodePorts listen here. */
  address: string;
  connectTimeoutMs: number;
  replayLimit: number;
  /** ms between two acknowledgements when nothing changes (default 2000). */
  heartbeatMs?: number;
  /** Make this range local and serve the cluster IPs in it; NodePorts only without it. */
  serviceCidr?: Ipv4Cidr;
  /** ms between two checks that the service CIDR is still local (default 30000). */
  syncPeriodMs?: number;
  /** Retry a listener (or the DNS responder) that failed to bind after this many ms (default 5000). */
  rebindMs?: number;
  /** Serve the cluster DNS here, from the same feed. */
  dns?: { address: string; port: number; upstreams: Upstream[]; domain: string };
  log?: Logger;
}

/** `--service-cidr`: a CIDR of /12 to /28, or undefined for `off`; throws UsageError. */
export function serviceCidrOf(text: string): Ipv4Cidr | undefined {
  if (text.trim().toLowerCase() === 'off') return undefined;
  let c: Ipv4Cidr;
  try {
    c = parseIpv4Cidr(text.trim());
  } catch (e) {
    throw new UsageError(`--service-cidr: ${(e as Error).message}`);
  }
  if (c.prefix < MIN_SERVICE_PREFIX || c.prefix > MAX_SERVICE_PREFIX) throw new UsageError(`--service-cidr: ${formatIpv4Cidr(c)} is a /${c.prefix}: the service CIDR must be a /${MIN_SERVICE_PREFIX} to a /${MAX_SERVICE_PREFIX}`);
  return c;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag}: "${v}" is not a positive integer`);
  return n;
}

/** Where DNS listens: `--dns-listen` (or `off`), else `<cluster-dns>:53`; off when neither that nor a service CIDR gives an address. */
function dnsAddressOf(f: Record<string, string | undefined>, serviceCidr: Ipv4Cidr | undefined): { host: string; port: number } | undefined {
  const listen = f['dns-listen']?.trim();
  if (listen?.toLowerCase() === 'off') return undefined;
  if (listen) {
    const at = parseUpstream(listen);
    if (!isIP(at.host) || !Number.isInteger(at.port) || at.port < 1 || at.port > 65535) throw new UsageError(`--dns-listen: "${listen}" is not ADDR:PORT or off`);
    return at;
  }
  const dns = f['cluster-dns']?.trim() || (serviceCidr && clusterDNSAddress(serviceCidr));
  if (!dns) return undefined;
  if (!isIP(dns)) throw new UsageError(`--cluster-dns: "${dns}" is not an IP address`);
  return { host: dns, port: 53 };
}

/** The DNS settings of the flags; upstreams from --dns-upstream or resolv.conf's nameservers, never the responder itself. */
export function dnsOf(f: Record<string, string | undefined>, serviceCidr: Ipv4Cidr | undefined, resolvConf: string): ProxyConfig['dns'] {
  const at = dnsAddressOf(f, serviceCidr);
  if (!at) return undefined;
  const given = f['dns-upstream'];
  const names = given ? given.split(',').map((s) => s.trim()).filter(Boolean) : parseResolvConf(resolvConf).nameservers;
  const upstreams = names.map(parseUpstream).filter((u) => !(u.host === at.host && u.port === at.port));
  for (const u of upstreams) if (!isIP(u.host) || !Number.isInteger(u.port) || u.port < 1 || u.port > 65535) throw new UsageError(`--dns-upstream: "${u.host}:${u.port}" is not an IP address and port`);
  const domain = (f['cluster-domain'] ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i.test(domain)) throw new UsageError(`--cluster-domain: "${f['cluster-domain']}" is not a DNS domain`);
  return { address: at.host, port: at.port, upstreams, domain };
}

/** The settings of parsed flags (NATS auth and the logger aside); throws UsageError. */
export function configOf(f: Record<string, string | undefined>, resolvConf: string): Omit<ProxyConfig, 'natsAuth' | 'log'> {
  const serviceCidr = serviceCidrOf(f['service-cidr'] ?? DEFAULT_SERVICE_CIDR);
  const dns = dnsOf(f, serviceCidr, resolvConf);
  return {
    natsUrl: f.nats!,
    cluster: f.cluster!,
    node: f.node!,
    address: f.address!,
    connectTimeoutMs: positive('connect-timeout', f['connect-timeout'] ?? '1000'),
    replayLimit: positive('replay-limit', f['replay-limit'] ?? '65536'),
    heartbeatMs: positive('heartbeat-interval', f['heartbeat-interval'] ?? '2000'),
    syncPeriodMs: positive('sync-period', f['sync-period'] ?? '30000'),
    ...(serviceCidr ? { serviceCidr } : {}),
    ...(dns ? { dns } : {}),
  };
}
