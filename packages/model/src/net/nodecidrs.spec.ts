import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrContains, cidrSize, cidrsOverlap, CidrSyntaxError, formatIpv4Cidr, parseIpv4Cidr } from './ipv4.js';
import { clusterDNSAddress } from './clusterdns.js';
import { freeSubnets, lowestFreeSubnet, NodeCidrMaskError, nodeCidrRange, parseMaskSize, podCIDRKey, subnetAt, subnetCount, subnetIndex, subnetOfKey } from './nodecidrs.js';

describe('nodeCidrRange', () => {
  it('given the defaults, cuts 10.244.0.0/16 into 256 /24s, the first 10.244.0.0/24 and the last 10.244.255.0/24', () => {
    const r = nodeCidrRange('10.244.0.0/16', 24);
    expect(subnetCount(r)).toBe(256);
    expect(lowestFreeSubnet(r, new Set())).toBe('10.244.0.0/24');
    expect([...freeSubnets(r, new Set())].at(-1)).toBe('10.244.255.0/24');
  });

  it('given a mask not longer than the cluster prefix, too long, or cutting too many subnets, throws one line naming the flag', () => {
    expect(() => nodeCidrRange('10.244.0.0/16', 16)).toThrow(new NodeCidrMaskError("--node-cidr-mask-size 16 must be longer than the cluster CIDR's prefix (10.244.0.0/16 is a /16)"));
    expect(() => nodeCidrRange('10.244.0.0/24', 20)).toThrow(NodeCidrMaskError);
    expect(() => nodeCidrRange('10.244.0.0/16', 31)).toThrow('--node-cidr-mask-size 31 is too long: at most 30, so that a node has addresses for pods');
    expect(() => nodeCidrRange('10.0.0.0/8', 25)).toThrow('--node-cidr-mask-size 25 cuts 10.0.0.0/8 into 131072 subnets: at most 65536 (a mask of at most 24)');
    expect(nodeCidrRange('10.0.0.0/8', 24).maskSize).toBe(24);
  });

  it('given a cluster CIDR or mask that does not parse, throws naming it', () => {
    expect(() => nodeCidrRange('10.244.0.0', 24)).toThrow(CidrSyntaxError);
    expect(() => parseMaskSize('twenty')).toThrow('--node-cidr-mask-size must be a prefix length such as 24, got "twenty"');
    expect(parseMaskSize('/26')).toBe(26);
    expect(() => parseMaskSize('-1')).toThrow(NodeCidrMaskError);
  });

  it('given host bits in the cluster CIDR, clears them', () => {
    expect(lowestFreeSubnet(nodeCidrRange('10.244.7.9/16', '24'), new Set())).toBe('10.244.0.0/24');
  });
});

describe('subnetIndex', () => {
  const r = nodeCidrRange('10.244.0.0/16', 24);
  it('given a subnet of the range, finds its index; anything else is not one', () => {
    expect(subnetIndex(r, '10.244.3.0/24')).toBe(3);
    for (const s of ['10.245.0.0/24', '10.244.3.0/25', '10.244.3.5/24', '10.244.3.0', 'x']) expect(subnetIndex(r, s), s).toBeUndefined();
  });
});

describe('podCIDRKey / subnetOfKey', () => {
  it('round-trips a subnet through its KV key and knows other keys are none', () => {
    expect(podCIDRKey('10.244.3.0/24')).toBe('10.244.3.0_24');
    expect(subnetOfKey('10.244.3.0_24')).toBe('10.244.3.0/24');
    expect(subnetOfKey('range')).toBeUndefined();
  });
});

describe('clusterDNSAddress', () => {
  it('is the 10th address of the service range', () => {
    expect(clusterDNSAddress(parseIpv4Cidr('10.96.0.0/16'))).toBe('10.96.0.10');
    expect(clusterDNSAddress(parseIpv4Cidr('10.96.0.16/28'))).toBe('10.96.0.26');
    expect(() => clusterDNSAddress(parseIpv4Cidr('10.96.0.0/29'))).toThrow(RangeError);
  });
});

/** A range (a /16 to a /28 in 10.0.0.0/8, cut by up to 6 bits) and a sequence of node operations on it. */
const ranges = fc
  .record({ third: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 16, max: 28 }), bits: fc.integer({ min: 1, max: 6 }) })
  .filter(({ prefix, bits }) => prefix + bits <= 30)
  .map(({ third, prefix, bits }) => nodeCidrRange(`10.${third}.0.0/${prefix}`, prefix + bits));
/** add a node (true) or delete the i-th live node (a number). */
const ops = fc.array(fc.oneof(fc.constant(true as const), fc.nat(40)), { maxLength: 120 });

describe('allocating node subnets (properties)', () => {
  it('never gives two live nodes overlapping subnets, keeps every subnet in the cluster CIDR, and reports exhaustion instead of wrapping', () => {
    fc.assert(
      fc.property(ranges, ops, (r, steps) => {
        const held = new Map<string, string>();
        let next = 0;
        for (const step of steps) {
          if (step === true) {
            const taken = new Set(held.values());
            const s = lowestFreeSubnet(r, taken);
            if (s === undefined) {
              // Exhausted only when every subnet is held.
              expect(taken.size).toBe(subnetCount(r));
              continue;
            }
            expect(taken.size).toBeLessThan(subnetCount(r));
            held.set(`n${next++}`, s);
          } else {
            const live = [...held.keys()];
            if (live.length) held.delete(live[step % live.length]!);
          }
          const subnets = [...held.values()].map((s) => parseIpv4Cidr(s));
          for (let i = 0; i < subnets.length; i++) {
            const a = subnets[i]!;
            expect(cidrContains(r.cluster, a.network) && cidrContains(r.cluster, a.network + cidrSize(a) - 1)).toBe(true);
            for (let j = i + 1; j < subnets.length; j++) expect(cidrsOverlap(a, subnets[j]!)).toBe(false);
          }
        }
      }),
    );
  });

  it('hands out the lowest free subnet: the one after the taken prefix, or a freed hole', () => {
    fc.assert(
      fc.property(ranges, fc.array(fc.nat(), { maxLength: 20 }), (r, picks) => {
        const indices = new Set(picks.map((p) => p % subnetCount(r)));
        const taken = new Set([...indices].map((i) => formatIpv4Cidr(subnetAt(r, i))));
        const s = lowestFreeSubnet(r, taken);
        const lowest = [...Array(subnetCount(r)).keys()].find((i) => !indices.has(i));
        return lowest === undefined ? s === undefined : subnetIndex(r, s!) === lowest;
      }),
    );
  });

  it('after exhaustion, lists no subnet at all (no wrap to the start)', () => {
    const r = nodeCidrRange('10.244.0.0/23', 24);
    const all = new Set(freeSubnets(r, new Set()));
    expect([...all]).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
    expect([...freeSubnets(r, all)]).toEqual([]);
    expect(lowestFreeSubnet(r, all)).toBeUndefined();
  });
});
