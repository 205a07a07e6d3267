/**
 * The responder's decision for one question (pure): answer from the cluster zone, or forward.
 * Only fully qualified names are looked up: short names (`svc`, `svc.ns`) reach the zone through
 * the pod's resolv.conf search list, so anything outside the cluster domain is forwarded.
 */
import type { Answer, RecordClass, RecordType } from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName, relativeLabels } from './names.js';
import { DNS_TTL, type DnsZone, type OwnerRecords } from './zone.js';

/** DNS response codes the responder sends. */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** One question, as decoded. */
export interface DnsQuestion {
  name: string;
  type: RecordType | string;
  class?: RecordClass | string | undefined;
}

/** An authoritative answer from the zone. */
export interface ZoneAnswer {
  action: 'answer';
  rcode: number;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** What to do with a question: answer it from the zone, or forward it upstream. */
export type DnsDecision = ZoneAnswer | { action: 'forward' };

/** The zone's SOA record, as CoreDNS writes it (its minimum is the negative-caching TTL). */
export function soaOf(zone: DnsZone): Answer {
  return {
    type: 'SOA',
    name: zone.domain,
    ttl: DNS_TTL,
    class: 'IN',
    data: { mname: `ns.dns.${zone.domain}`, rname: `hostmaster.${zone.domain}`, serial: zone.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: DNS_TTL },
  };
}

function addressAnswers(name: string, addresses: readonly string[], type: 'A' | 'AAAA'): Answer[] {
  const fits = type === 'A' ? isIPv4 : isIPv6;
  return addresses.filter((ip) => fits(ip)).map((ip) => ({ type, name, ttl: DNS_TTL, class: 'IN' as const, data: ip }));
}

function recordsOf(zone: DnsZone, name: string, type: string, owner: OwnerRecords | undefined): { answers: Answer[]; additionals: Answer[] } {
  if (type === 'SOA' && canonicalName(name) === zone.domain) return { answers: [soaOf(zone)], additionals: [] };
  if (!owner) return { answers: [], additionals: [] };
  if (type === 'A' || type === 'AAAA') return { answers: addressAnswers(name, owner.addresses, type), additionals: [] };
  if (type === 'ANY') return { answers: [...addressAnswers(name, owner.addresses, 'A'), ...addressAnswers(name, owner.addresses, 'AAAA')], additionals: [] };
  if (type !== 'SRV' || !owner.srv.length) return { answers: [], additionals: [] };
  const weight = Math.floor(100 / owner.srv.length);
  const answers: Answer[] = owner.srv.map((s) => ({ type: 'SRV', name, ttl: DNS_TTL, class: 'IN', data: { priority: 0, weight, port: s.port, target: s.target } }));
  const seen = new Set<string>();
  const additionals: Answer[] = [];
  for (const s of owner.srv) {
    if (seen.has(s.target)) continue;
    seen.add(s.target);
    additionals.push(...addressAnswers(s.target, s.addresses, 'A'), ...addressAnswers(s.target, s.addresses, 'AAAA'));
  }
  return { answers, additionals };
}

/**
 * Decides the answer to `q` from `zone`. Names outside the zone's domain are forwarded; a name in
 * it that does not exist is NXDOMAIN, an existing name without records of the type NOERROR with
 * no answers (both with the SOA in authority). Answers carry the question's name as asked.
 */
export function resolve(zone: DnsZone, q: DnsQuestion): DnsDecision {
  if (relativeLabels(q.name, zone.domain) === undefined) return { action: 'forward' };
  const name = canonicalName(q.name);
  const owner = zone.owners.get(name);
  if (!owner && !zone.existing.has(name)) return { action: 'answer', rcode: RCODE.NXDOMAIN, answers: [], authorities: [soaOf(zone)], additionals: [] };
  const { answers, additionals } = (q.class ?? 'IN') === 'IN' ? recordsOf(zone, q.name, String(q.type), owner) : { answers: [], additionals: [] };
  return { action: 'answer', rcode: RCODE.NOERROR, answers, authorities: answers.length ? [] : [soaOf(zone)], additionals };
}
