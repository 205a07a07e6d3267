/**
 * The cluster's DNS zone (pure): from the Services and Endpoints of a `State` to the records
 * the kubernetes plugin of CoreDNS serves, by owner name, built once per state.
 *
 * - `<svc>.<ns>.svc.<domain>`: A/AAAA of the cluster IPs; for a headless Service (`clusterIP:
 *   None`) the ready endpoint addresses, and `<host>.<svc>.<ns>.svc.<domain>` per address (its
 *   hostname, else its dashed IP);
 * - `_<port>._<proto>.<svc>.<ns>.svc.<domain>`: SRV per named port, targeting the Service name
 *   (or each endpoint's name when headless), with the target's addresses as additional records.
 */
import { getObject, listObjects, type Service, type State } from '@wharf/model';
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName, dashedIp } from './names.js';

/** CoreDNS' kubernetes plugin default TTL, in seconds. */
export const DNS_TTL = 5;

/** The default cluster domain. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** One SRV record: where a named port is served, and the target's addresses. */
export interface SrvTarget {
  port: number;
  target: string;
  addresses: string[];
}

/** The records owned by one name. */
export interface OwnerRecords {
  addresses: string[];
  srv: SrvTarget[];
}

/** The zone at one state: owners by canonical name, and every name that exists (owners and their ancestors in the zone). */
export interface DnsZone {
  domain: string;
  serial: number;
  owners: ReadonlyMap<string, OwnerRecords>;
  existing: ReadonlySet<string>;
}

interface Address {
  ip: string;
  host: string;
}

function ipsOf(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => isIPv4(ip) || isIPv6(ip));
}

function readyAddresses(state: State, ns: string, name: string): { addresses: Address[]; ports: { name?: string | undefined; port: number; protocol?: string | undefined; ips: string[] }[] } {
  const ep = getObject(state, 'Endpoints', ns, name);
  const seen = new Map<string, Address>();
  const ports: { name?: string | undefined; port: number; protocol?: string | undefined; ips: string[] }[] = [];
  for (const subset of ep?.subsets ?? []) {
    const addrs = (subset.addresses ?? []).filter((a) => isIPv4(a.ip) || isIPv6(a.ip));
    for (const a of addrs) if (!seen.has(a.ip)) seen.set(a.ip, { ip: a.ip, host: canonicalName(a.hostname || dashedIp(a.ip)) });
    for (const p of subset.ports ?? []) ports.push({ name: p.name, port: p.port, protocol: p.protocol, ips: addrs.map((a) => a.ip) });
  }
  return { addresses: [...seen.values()], ports };
}

/** Builds the zone of `domain` from the Services and Endpoints of `state`; its serial is the state's sequence. */
export function buildZone(state: State, domain = DEFAULT_CLUSTER_DOMAIN): DnsZone {
  const zone = canonicalName(domain);
  const owners = new Map<string, OwnerRecords>();
  const add = (name: string, addresses: string[], srv: SrvTarget[] = []): void => {
    const o = owners.get(name) ?? { addresses: [], srv: [] };
    for (const a of addresses) if (!o.addresses.includes(a)) o.addresses.push(a);
    o.srv.push(...srv);
    owners.set(name, o);
  };
  for (const svc of listObjects(state, 'Service')) {
    const ns = svc.metadata.namespace ?? 'default';
    const base = canonicalName(`${svc.metadata.name}.${ns}.svc.${zone}`);
    if (svc.spec.clusterIP === 'None') {
      const { addresses, ports } = readyAddresses(state, ns, svc.metadata.name);
      if (!addresses.length) continue; // a headless Service without ready endpoints has no name (NXDOMAIN), as in CoreDNS
      add(base, addresses.map((a) => a.ip));
      for (const a of addresses) add(`${a.host}.${base}`, [a.ip]);
      const hostOf = new Map(addresses.map((a) => [a.ip, a.host]));
      for (const p of ports) {
        if (!p.name) continue;
        const srv = p.ips.map((ip) => ({ port: p.port, target: `${hostOf.get(ip)}.${base}`, addresses: [ip] }));
        if (srv.length) add(canonicalName(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`), [], srv);
      }
      continue;
    }
    const ips = ipsOf(svc);
    add(base, ips);
    for (const sp of svc.spec.ports ?? []) {
      if (sp.name) add(canonicalName(`_${sp.name}._${(sp.protocol ?? 'TCP').toLowerCase()}.${base}`), [], [{ port: sp.port, target: base, addresses: ips }]);
    }
  }
  const existing = new Set<string>([zone, `svc.${zone}`]);
  for (const name of owners.keys()) {
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const n = labels.slice(i).join('.');
      if (n === zone) break;
      existing.add(n);
    }
  }
  return { domain: zone, serial: state.seq % 2 ** 32, owners, existing };
}
