import { describe, expect, it } from 'vitest';
import { CAP_NET_ADMIN, hasCapability, localRoutesOf, serviceLinkName } from './localrange.js';

describe('serviceLinkName', () => {
  it('is wharfs and 8 hex digits of sha256(cluster): 14 characters, under the 15 of a Linux link name', () => {
    expect(serviceLinkName('default')).toMatch(/^wharfs[0-9a-f]{8}$/);
    expect(serviceLinkName('default')).toBe(serviceLinkName('default'));
    expect(serviceLinkName('default')).not.toBe(serviceLinkName('prod'));
  });
});

describe('localRoutesOf', () => {
  it('given `ip -4 route show table local dev LINK` output, lists the local destinations', () => {
    expect(localRoutesOf('local 10.96.0.0/16 scope host \nlocal 10.97.0.1 scope host\nbroadcast 10.96.255.255 scope link\n')).toEqual(['10.96.0.0/16', '10.97.0.1/32']);
    expect(localRoutesOf('')).toEqual([]);
  });
});

describe('hasCapability', () => {
  it('reads CAP_NET_ADMIN from the effective set of /proc/self/status', () => {
    expect(hasCapability('Name:\tnode\nCapEff:\t000001ffffffffff\n', CAP_NET_ADMIN)).toBe(true);
    expect(hasCapability('Name:\tnode\nCapEff:\t0000000000000000\n', CAP_NET_ADMIN)).toBe(false);
    expect(hasCapability('CapEff:\t0000000000001000\n', CAP_NET_ADMIN)).toBe(true);
    expect(hasCapability('Name:\tnode\n', CAP_NET_ADMIN)).toBeUndefined();
  });
});
