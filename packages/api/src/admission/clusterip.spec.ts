import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrContains, CidrSyntaxError, ipv4ToNumber, numberToIpv4, parseIpv4Cidr, type Service } from '@wharf/model';
import { allocatable, allocatableCount, candidateIPs, carryClusterIP, clusterIPChange, clusterIPImmutability, parseServiceCidr, requestedIPCause } from './clusterip.js';

const svc = (clusterIP?: string, name = 's'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: 'u' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }], ...(clusterIP !== undefined ? { clusterIP, clusterIPs: [clusterIP] } : {}) } });
const range = parseServiceCidr('10.96.0.0/16');

describe('parseServiceCidr', () => {
  it('given a /12 to a /28, accepts it', () => {
    expect(parseServiceCidr('10.96.0.0/12').prefix).toBe(12);
    expect(parseServiceCidr('10.96.0.16/28').prefix).toBe(28);
  });

  it.each([
    ['10.0.0.0/8', '"10.0.0.0/8" is a /8: the service range must be a /12 to a /28'],
    ['10.96.0.0/29', '"10.96.0.0/29" is a /29'],
    ['10.96.0.0', 'is not an IPv4 CIDR'],
    ['fd00::/108', 'is not an IPv4 CIDR'],
  ])('given %j, throws CidrSyntaxError saying why', (text, why) => {
    expect(() => parseServiceCidr(text)).toThrow(CidrSyntaxError);
    expect(() => parseServiceCidr(text)).toThrow(why);
  });
});

describe('requestedIPCause', () => {
  it('given a free-looking address of the range, has nothing against it', () => {
    expect(requestedIPCause(range, '10.96.3.4', svc())).toBeUndefined();
  });

  it.each(['10.0.0.5', '10.96.0.0', '10.96.255.255', 'fd00::1'])('given %j, says it is not in the valid range, in Kubernetes words', (ip) => {
    expect(requestedIPCause(range, ip, svc())).toEqual({ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: `Invalid value: "${ip}": provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16` });
  });

  it('given the first address, keeps it for default/kubernetes alone', () => {
    expect(requestedIPCause(range, '10.96.0.1', svc())?.message).toBe('Invalid value: "10.96.0.1": provided IP is reserved for the kubernetes Service');
    expect(requestedIPCause(range, '10.96.0.1', svc(undefined, 'kubernetes'))).toBeUndefined();
  });

  it('given the 10th address, keeps it for kube-system/kube-dns alone (the cluster DNS address)', () => {
    expect(requestedIPCause(range, '10.96.0.10', svc())).toEqual({ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: 'Invalid value: "10.96.0.10": provided IP is reserved for the cluster DNS Service (kube-system/kube-dns)' });
    const dns = { ...svc(undefined, 'kube-dns'), metadata: { name: 'kube-dns', namespace: 'kube-system', uid: 'd' } };
    expect(requestedIPCause(range, '10.96.0.10', dns)).toBeUndefined();
    expect(requestedIPCause(range, '10.96.0.10', { ...dns, metadata: { ...dns.metadata, namespace: 'default' } })).toBeDefined();
  });
});

describe('clusterIPChange', () => {
  it('given a create without clusterIP, allocates', () => {
    expect(clusterIPChange(svc(), undefined)).toEqual({ allocate: true });
  });

  it('given a create naming an IP, claims it; given None, does nothing', () => {
    expect(clusterIPChange(svc('10.96.0.9'), undefined)).toEqual({ allocate: false, claim: '10.96.0.9' });
    expect(clusterIPChange(svc('None'), undefined)).toEqual({ allocate: false });
  });

  it('given an update keeping its IP, changes nothing; a Service without one (made before ClusterIPs) gets one', () => {
    expect(clusterIPChange(svc('10.96.0.9'), svc('10.96.0.9'))).toEqual({ allocate: false });
    expect(clusterIPChange(svc(), svc())).toEqual({ allocate: true });
  });
});

describe('carryClusterIP and clusterIPImmutability', () => {
  it('given an update that leaves clusterIP out, keeps the current one', () => {
    const next = svc();
    carryClusterIP(next, svc('10.96.0.9'));
    expect([next.spec.clusterIP, next.spec.clusterIPs]).toEqual(['10.96.0.9', ['10.96.0.9']]);
    expect(clusterIPImmutability(next, svc('10.96.0.9'))).toEqual([]);
  });

  it('given an update that changes a set clusterIP, or turns it headless, says the field is immutable', () => {
    expect(clusterIPImmutability(svc('10.96.0.10'), svc('10.96.0.9'))).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: 'Invalid value: "10.96.0.10": field is immutable' }]);
    expect(clusterIPImmutability(svc('None'), svc('10.96.0.9'))[0]?.message).toBe('Invalid value: "None": field is immutable');
    expect(clusterIPImmutability(svc('10.96.0.9'), svc('None'))).toHaveLength(1);
  });

  it('given a current Service without clusterIP, lets the update set one', () => {
    expect(clusterIPImmutability(svc('10.96.0.9'), svc())).toEqual([]);
  });
});

describe('candidateIPs', () => {
  it('given a /28, yields its 12 allocatable addresses once each, from the start offset, wrapping', () => {
    const r = parseServiceCidr('10.96.0.16/28');
    const all = [...candidateIPs(r, new Set(), 5)];
    expect(all).toHaveLength(allocatableCount(r));
    expect(all).toHaveLength(12);
    expect(all[0]).toBe('10.96.0.21');
    expect(all.at(-1)).toBe('10.96.0.20');
    for (const kept of ['10.96.0.16', '10.96.0.17', '10.96.0.26', '10.96.0.31']) expect(all).not.toContain(kept);
  });

  it('never hands out the cluster DNS address of the default range', () => {
    expect([...candidateIPs(range, new Set(), 0)].slice(0, 9)).toEqual(['10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6', '10.96.0.7', '10.96.0.8', '10.96.0.9', '10.96.0.11']);
    expect(allocatable(range, '10.96.0.10')).toBe(false);
  });

  it('never yields an address outside the range, a reserved one, one taken, or one twice', () => {
    const arb = fc.record({ base: fc.integer({ min: 0, max: 2 ** 32 - 1 }), prefix: fc.integer({ min: 24, max: 28 }), start: fc.double({ min: -1e6, max: 1e6, noNaN: true }), takenBits: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) });
    fc.assert(
      fc.property(arb, ({ base, prefix, start, takenBits }) => {
        const r = parseIpv4Cidr(`${numberToIpv4(base)}/${prefix}`);
        const size = 2 ** (32 - prefix);
        const taken = new Set(takenBits.map((b) => numberToIpv4(r.network + (b % size))));
        const out = [...candidateIPs(r, taken, start)];
        const free = [...Array(size).keys()].map((i) => numberToIpv4(r.network + i)).filter((ip) => allocatable(r, ip) && !taken.has(ip));
        return new Set(out).size === out.length && out.every((ip) => cidrContains(r, ipv4ToNumber(ip)!) && allocatable(r, ip) && !taken.has(ip)) && out.length === free.length;
      }),
    );
  });
});
