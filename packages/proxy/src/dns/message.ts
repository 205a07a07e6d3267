/**
 * One DNS message in, one decision out (pure): the reply to send, a forward upstream, or nothing.
 * Decoding and encoding go through dns-packet. A packet too short for a header, or a response,
 * is dropped; one whose header reads but whose body does not gets FORMERR. A UDP reply larger than
 * the client's buffer (512 bytes, or its EDNS size up to 1232) is cut to the question with TC set,
 * so the client asks again over TCP.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { RCODE, resolve } from './resolve.js';
import type { DnsZone } from './zone.js';

/** The largest UDP payload the responder sends (the DNS flag day 2020 default). */
export const MAX_UDP_PAYLOAD = 1232;
/** The classic UDP limit, without EDNS. */
export const MIN_UDP_PAYLOAD = 512;
/** The largest query the responder reads; longer messages are dropped. */
export const MAX_QUERY_BYTES = 4096;

const HEADER_BYTES = 12;
const QR = 0x8000;
const AA = dnsPacket.AUTHORITATIVE_ANSWER;
const TC = dnsPacket.TRUNCATED_RESPONSE;
const RD = dnsPacket.RECURSION_DESIRED;
const RA = dnsPacket.RECURSION_AVAILABLE;

/** What to do with one received message. */
export type MessageOutcome =
  | { action: 'reply'; message: Buffer; rcode: number }
  | { action: 'forward'; query: DecodedPacket }
  | { action: 'drop'; reason: string };

/** How a message arrived: UDP replies are bounded by the client's buffer, TCP ones are not. */
export type Transport = 'udp' | 'tcp';

type Opt = Extract<Answer, { type: 'OPT' }>;

function optOf(p: Packet): Opt | undefined {
  return p.additionals?.find((a): a is Opt => a.type === 'OPT');
}

function ourOpt(): Opt {
  return { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/** The most a UDP reply to `query` may carry. */
export function udpLimit(query: Packet): number {
  const asked = optOf(query)?.udpPayloadSize ?? MIN_UDP_PAYLOAD;
  return Math.min(MAX_UDP_PAYLOAD, Math.max(MIN_UDP_PAYLOAD, asked));
}

/** A header-only reply (no question) with `rcode`, for a message whose body could not be read. */
export function headerReply(raw: Buffer, rcode: number): Buffer {
  const flags = raw.readUInt16BE(2);
  return dnsPacket.encode({ type: 'response', id: raw.readUInt16BE(0), flags: (flags & 0x7800) | (flags & RD) | RA | rcode });
}

/** The reply to `query` with `rcode` and the given sections, truncated for UDP when it does not fit. */
export function replyTo(query: DecodedPacket, rcode: number, sections: { answers?: Answer[]; authorities?: Answer[]; additionals?: Answer[]; authoritative?: boolean }, transport: Transport): Buffer {
  const edns = optOf(query) !== undefined;
  const flags = (query.flags ?? 0) & (0x7800 | RD);
  const base: Packet = {
    type: 'response',
    id: query.id ?? 0,
    flags: flags | RA | (sections.authoritative ? AA : 0) | rcode,
    questions: query.questions ?? [],
  };
  const full: Packet = {
    ...base,
    answers: sections.answers ?? [],
    authorities: sections.authorities ?? [],
    additionals: [...(sections.additionals ?? []), ...(edns ? [ourOpt()] : [])],
  };
  const message = dnsPacket.encode(full);
  if (transport === 'tcp' || message.length <= udpLimit(query)) return message;
  return dnsPacket.encode({ ...base, flags: (base.flags ?? 0) | TC, additionals: edns ? [ourOpt()] : [] });
}

/** A SERVFAIL reply to `query`, for a forward that got no answer. */
export function servfail(query: DecodedPacket, transport: Transport): Buffer {
  return replyTo(query, RCODE.SERVFAIL, {}, transport);
}

/** Decides what to do with the message `raw` received over `transport`, answering from `zone` (undefined until the first state: SERVFAIL). */
export function handleMessage(raw: Buffer, zone: DnsZone | undefined, transport: Transport): MessageOutcome {
  if (raw.length < HEADER_BYTES) return { action: 'drop', reason: 'shorter than a header' };
  if (raw.length > MAX_QUERY_BYTES) return { action: 'drop', reason: 'longer than a query may be' };
  if (raw.readUInt16BE(2) & QR) return { action: 'drop', reason: 'a response, not a query' };
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return { action: 'reply', message: headerReply(raw, RCODE.FORMERR), rcode: RCODE.FORMERR };
  }
  const opcode = (raw.readUInt16BE(2) >> 11) & 0xf;
  if (opcode !== 0) return { action: 'reply', message: replyTo(query, RCODE.NOTIMP, {}, transport), rcode: RCODE.NOTIMP };
  const questions = query.questions ?? [];
  if (questions.length !== 1 || (query.answers?.length ?? 0) > 0) return { action: 'reply', message: replyTo(query, RCODE.FORMERR, {}, transport), rcode: RCODE.FORMERR };
  const q = questions[0]!;
  if (!zone) {
    // Until the first state, the zone is unknown: a name in it may exist (CoreDNS answers SERVFAIL before its first sync).
    return { action: 'reply', message: servfail(query, transport), rcode: RCODE.SERVFAIL };
  }
  const decision = resolve(zone, q);
  if (decision.action === 'forward') return { action: 'forward', query };
  return { action: 'reply', message: replyTo(query, decision.rcode, { ...decision, authoritative: true }, transport), rcode: decision.rcode };
}
