import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveMembers, ownerOf, score } from './shard.js';

const keys = Array.from({ length: 3000 }, (_, i) => `ReplicationController/default/rc-${i}`);
const member = fc.stringMatching(/^[a-z0-9-]{1,20}$/);

describe('sharing keys by rendezvous hashing', () => {
  it('gives every key exactly one owner, the same whatever order the members are listed in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(member, { minLength: 1, maxLength: 8 }), fc.string(), (members, key) => {
        const owner = ownerOf(members, key);
        expect(members).toContain(owner);
        expect(ownerOf([...members].reverse(), key)).toBe(owner);
      }),
    );
  });

  it('moves only the keys of a member that leaves', () => {
    fc.assert(
      fc.property(fc.uniqueArray(member, { minLength: 2, maxLength: 8 }), fc.nat(), (members, pick) => {
        const gone = members[pick % members.length]!;
        const rest = members.filter((m) => m !== gone);
        for (const k of keys.slice(0, 200)) {
          const before = ownerOf(members, k);
          if (before !== gone) expect(ownerOf(rest, k)).toBe(before);
        }
      }),
    );
  });

  it('spreads keys about evenly over three members', () => {
    const members = ['host-101-a1b2c3', 'host-102-d4e5f6', 'host-103-0a0b0c'];
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(ownerOf(members, k)!, (counts.get(ownerOf(members, k)!) ?? 0) + 1);
    for (const m of members) expect(counts.get(m)).toBeGreaterThan(keys.length / 3 - 150);
  });

  it('scores differ by member and by key', () => {
    expect(score('a', 'k')).not.toBe(score('b', 'k'));
    expect(score('a', 'k1')).not.toBe(score('a', 'k2'));
    expect(ownerOf([], 'k')).toBeUndefined();
  });

  it('counts a member live until its lease ends, and always counts itself', () => {
    const leases = new Map([
      ['b', 2000],
      ['c', 999],
    ]);
    expect(liveMembers(leases, 'a', 1000)).toEqual(['a', 'b']);
    expect(liveMembers(leases, 'd', 3000)).toEqual(['d']);
  });
});
