import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrContains, cidrSize, cidrsOverlap, CidrSyntaxError, formatIpv4Cidr, ipv4ToNumber, numberToIpv4, parseIpv4Cidr } from './ipv4.js';

describe('ipv4ToNumber / numberToIpv4', () => {
  it('given a dotted quad, maps it to its number and back', () => {
    expect(ipv4ToNumber('10.96.0.1')).toBe(10 * 2 ** 24 + 96 * 2 ** 16 + 1);
    expect(ipv4ToNumber('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(numberToIpv4(ipv4ToNumber('192.0.2.7')!)).toBe('192.0.2.7');
  });

  it.each(['', '10', '10.0.0', '010.0.0.1', '10.0.0.256', '0x0a.0.0.1', '::1', '10.0.0.1/32', 'None'])('given %j, says it is not an IPv4 address', (s) => {
    expect(ipv4ToNumber(s)).toBeUndefined();
  });

  it('round-trips every 32-bit number', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => ipv4ToNumber(numberToIpv4(n)) === n));
  });
});

describe('parseIpv4Cidr', () => {
  it('given a block with host bits set, clears them', () => {
    expect(formatIpv4Cidr(parseIpv4Cidr('10.96.7.5/16'))).toBe('10.96.0.0/16');
    expect(cidrSize(parseIpv4Cidr('10.96.0.0/29'))).toBe(8);
  });

  it.each(['10.96.0.0', '10.96.0.0/33', '10.96.0.0/', 'fd00::/64', 'ten/8', '10.96.0.0/16 '])('given %j, throws CidrSyntaxError naming it', (s) => {
    expect(() => parseIpv4Cidr(s)).toThrow(CidrSyntaxError);
    expect(() => parseIpv4Cidr(s)).toThrow(`"${s}" is not an IPv4 CIDR`);
  });
});

describe('cidrContains / cidrsOverlap', () => {
  const svc = parseIpv4Cidr('10.96.0.0/16');
  it('given addresses at the edges, contains exactly the block', () => {
    expect(cidrContains(svc, ipv4ToNumber('10.96.0.0')!)).toBe(true);
    expect(cidrContains(svc, ipv4ToNumber('10.96.255.255')!)).toBe(true);
    expect(cidrContains(svc, ipv4ToNumber('10.97.0.0')!)).toBe(false);
    expect(cidrContains(svc, ipv4ToNumber('10.95.255.255')!)).toBe(false);
  });

  it('given nested, equal and disjoint blocks, overlaps only when they share an address', () => {
    expect(cidrsOverlap(svc, parseIpv4Cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(svc, parseIpv4Cidr('10.96.3.0/24'))).toBe(true);
    expect(cidrsOverlap(svc, svc)).toBe(true);
    expect(cidrsOverlap(svc, parseIpv4Cidr('10.244.0.0/16'))).toBe(false);
    expect(cidrsOverlap(svc, parseIpv4Cidr('172.17.0.0/16'))).toBe(false);
  });

  it('agrees with testing every address of small blocks', () => {
    const block = fc.record({ network: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 28, max: 32 }) }).map(({ network, prefix }) => parseIpv4Cidr(`10.0.0.${network}/${prefix}`));
    fc.assert(
      fc.property(block, block, (a, b) => {
        let shared = false;
        for (let i = 0; i < cidrSize(a); i++) if (cidrContains(b, a.network + i)) shared = true;
        return cidrsOverlap(a, b) === shared;
      }),
    );
  });
});
