import { describe, expect, it } from 'vitest';
import dnsPacket, { type Packet } from 'dns-packet';
import { emptyState, evolve, type LoggedEvent } from '@wharf/model';
import { handleMessage, MAX_UDP_PAYLOAD } from './message.js';
import { RCODE } from './resolve.js';
import { buildZone } from './zone.js';

const meta = { actor: 't', time: '2025-01-01T00:00:00Z' };
const addresses = Array.from({ length: 120 }, (_, i) => ({ ip: `10.244.${i >> 8}.${(i & 255) + 1}` }));
const zone = buildZone(
  evolve(emptyState(), [
    { seq: 1, subject: 's', type: 'ServiceCreated', data: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } }, metadata: meta },
    { seq: 2, subject: 's2', type: 'ServiceCreated', data: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'many', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } }, metadata: meta },
    { seq: 3, subject: 'e', type: 'EndpointsCreated', data: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'many', namespace: 'default' }, subsets: [{ addresses, ports: [{ port: 80 }] }] }, metadata: meta },
  ] as unknown as LoggedEvent[]).state,
);

const query = (name: string, type: 'A' | 'SRV' = 'A', extra: Partial<Packet> = {}): Buffer => dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }], ...extra });
const replyOf = (raw: Buffer, transport: 'udp' | 'tcp' = 'udp') => {
  const out = handleMessage(raw, zone, transport);
  if (out.action !== 'reply') throw new Error(`expected a reply, got ${out.action}`);
  return dnsPacket.decode(out.message) as ReturnType<typeof dnsPacket.decode> & { rcode: string };
};

describe('handleMessage', () => {
  it('given a query for a Service, when handled, then an authoritative reply with the same id, RD echoed and RA set', () => {
    const r = replyOf(query('web.default.svc.cluster.local'));
    expect([r.id, r.flag_qr, r.flag_aa, r.flag_rd, r.flag_ra, r.rcode]).toEqual([4242, true, true, true, true, 'NOERROR']);
    expect(r.answers).toMatchObject([{ type: 'A', data: '10.96.0.10', ttl: 5 }]);
  });
  it('given an unknown cluster name, then NXDOMAIN with the SOA', () => {
    const r = replyOf(query('nope.default.svc.cluster.local'));
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.authorities?.map((a) => a.type)).toEqual(['SOA']);
  });
  it('given an outside name, then a forward of the decoded query', () => {
    expect(handleMessage(query('example.org'), zone, 'udp')).toMatchObject({ action: 'forward', query: { id: 4242 } });
  });
  it('given no state yet, then SERVFAIL rather than a wrong NXDOMAIN', () => {
    const out = handleMessage(query('web.default.svc.cluster.local'), undefined, 'udp');
    expect(out).toMatchObject({ action: 'reply', rcode: RCODE.SERVFAIL });
  });
  it('given an answer larger than 512 bytes over UDP without EDNS, then TC with the question only; over TCP, every record', () => {
    const udp = replyOf(query('many.default.svc.cluster.local'));
    expect([udp.flag_tc, udp.answers?.length, udp.questions?.[0]?.name]).toEqual([true, 0, 'many.default.svc.cluster.local']);
    expect(replyOf(query('many.default.svc.cluster.local'), 'tcp').answers).toHaveLength(120);
  });
  it('given an EDNS query with a 4096-byte buffer, then replies up to 1232 bytes with an OPT of its own', () => {
    const opt = { type: 'OPT' as const, name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const small = replyOf(query('web.default.svc.cluster.local', 'A', { additionals: [opt] }));
    expect(small.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: MAX_UDP_PAYLOAD }]);
    const out = handleMessage(query('many.default.svc.cluster.local', 'A', { additionals: [opt] }), zone, 'udp');
    expect(out.action === 'reply' && out.message.length <= MAX_UDP_PAYLOAD).toBe(true);
    expect(dnsPacket.decode((out as { message: Buffer }).message).flag_tc).toBe(true);
  });
  it('given garbage after a valid header, then FORMERR with the id; given less than a header, or a response, then dropped', () => {
    const bad = Buffer.concat([query('web.default.svc.cluster.local').subarray(0, 12), Buffer.from([0x3f, 0x41])]);
    const out = handleMessage(bad, zone, 'udp');
    expect(out).toMatchObject({ action: 'reply', rcode: RCODE.FORMERR });
    expect(dnsPacket.decode((out as { message: Buffer }).message)).toMatchObject({ id: 4242, rcode: 'FORMERR' });
    expect(handleMessage(Buffer.from([1, 2, 3]), zone, 'udp').action).toBe('drop');
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x' }] });
    expect(handleMessage(response, zone, 'udp').action).toBe('drop');
  });
  it('given two questions, then FORMERR; given another opcode, then NOTIMP', () => {
    const two = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'a' }, { type: 'A', name: 'b' }] });
    expect(handleMessage(two, zone, 'udp')).toMatchObject({ rcode: RCODE.FORMERR });
    const notify = query('web.default.svc.cluster.local');
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
    expect(handleMessage(notify, zone, 'udp')).toMatchObject({ rcode: RCODE.NOTIMP });
  });
});
