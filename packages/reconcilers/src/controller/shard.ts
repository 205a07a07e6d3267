/**
 * How reconciler instances share the work: rendezvous (highest-random-weight) hashing of each
 * key over the live members. Every instance computes the same owner from the same member set, a
 * departing member only moves the keys it owned, and joining moves about 1/N of them. PURE.
 */

/** What a controller asks before it reconciles a key. */
export interface Shard {
  /** True when this instance should reconcile `key` now. */
  owns(key: string): boolean;
  /** Called whenever the member set changes (a controller then resyncs); returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** A 32-bit score of (member, key): FNV-1a, finished with murmur3's avalanche. */
export function score(member: string, key: string): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  mix(member);
  h ^= 0xff;
  h = Math.imul(h, 0x01000193);
  mix(key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The member that owns `key`: the highest score, ties broken by the smaller name. */
export function ownerOf(members: readonly string[], key: string): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const s = score(m, key);
    if (s > bestScore || (s === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = s;
    }
  }
  return best;
}

/**
 * The live members, sorted: those whose lease (by this instance's own clock, so clocks need not
 * agree) has not run out, always including `self`.
 */
export function liveMembers(leaseEnds: ReadonlyMap<string, number>, self: string, now: number): string[] {
  const out = new Set([self]);
  for (const [m, end] of leaseEnds) if (now < end) out.add(m);
  return [...out].sort();
}

/** A shard that owns everything (one instance, or sharing turned off). */
export const everything: Shard = { owns: () => true, onChange: () => () => undefined };
