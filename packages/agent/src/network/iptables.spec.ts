import { describe, expect, it } from 'vitest';
import { chainRules, jumpDeletions, jumpRules, splitRule } from './iptables.js';
import { podNetworkPlan } from './plan.js';

const p = podNetworkPlan('c1', 'node-a', '10.244.1.0/24', '10.244.0.0/16');

describe('chainRules', () => {
  it('given a node on 10.244.1.0/24, then its chains: accept pod traffic both ways, masquerade what leaves the cluster CIDR', () => {
    expect(chainRules(p).split('\n')).toEqual([
      '*filter',
      `:${p.fwdChain} - [0:0]`,
      `-A ${p.fwdChain} -s 10.244.0.0/16 -d 10.244.1.0/24 -j ACCEPT`,
      `-A ${p.fwdChain} -s 10.244.1.0/24 -d 10.244.0.0/16 -j ACCEPT`,
      'COMMIT',
      '*nat',
      `:${p.natChain} - [0:0]`,
      `-A ${p.natChain} -s 10.244.1.0/24 ! -d 10.244.0.0/16 -j MASQUERADE`,
      'COMMIT',
      '',
    ]);
  });
});

describe('jumpRules', () => {
  it('given DOCKER-USER, then jumps from it and from nat POSTROUTING, commented with the node', () => {
    expect(jumpRules(p, 'DOCKER-USER')).toEqual([
      { table: 'filter', chain: 'DOCKER-USER', rule: ['-m', 'comment', '--comment', 'wharf pod network of c1/node-a', '-j', p.fwdChain] },
      { table: 'nat', chain: 'POSTROUTING', rule: ['-m', 'comment', '--comment', 'wharf pod network of c1/node-a', '-j', p.natChain] },
    ]);
    expect(jumpRules(p, 'FORWARD')[0]!.chain).toBe('FORWARD');
  });
});

describe('jumpDeletions', () => {
  it('given `iptables -S` output, then the deletions of every jump to the chain, quoted comments kept whole', () => {
    const listing = [
      '-N DOCKER-USER',
      `-A DOCKER-USER -m comment --comment "wharf pod network of c1/node-a" -j ${p.fwdChain}`,
      '-A DOCKER-USER -i wht1 -o wht1 -m comment --comment wharf-test-abcd -j ACCEPT',
      `-A DOCKER-USER -j ${p.fwdChain}`,
      '-A DOCKER-USER -j RETURN',
    ].join('\n');
    expect(jumpDeletions(listing, p.fwdChain)).toEqual([
      ['-D', 'DOCKER-USER', '-m', 'comment', '--comment', 'wharf pod network of c1/node-a', '-j', p.fwdChain],
      ['-D', 'DOCKER-USER', '-j', p.fwdChain],
    ]);
    expect(jumpDeletions('', p.fwdChain)).toEqual([]);
  });

  it('splits a rule as iptables-restore reads it', () => {
    expect(splitRule('-A X -m comment --comment "a \\"b\\" c" -j Y')).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'a "b" c', '-j', 'Y']);
  });
});
