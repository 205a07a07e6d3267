import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from './events.js';
import { allObjects, emptyState, evolve, foldLatest, type State } from './state.js';
import { compareStates } from './history/verify.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

const kinds = ['Pod', 'Service', 'Node'] as const;
const types = ['Created', 'Replaced', 'StatusUpdated', 'Deleted'] as const;

/** Arbitrary logs: events on a handful of objects with increasing sequences. */
const logs = fc.array(fc.record({ kind: fc.constantFrom(...kinds), name: fc.constantFrom('a', 'b', 'c', 'd.e'), ns: fc.constantFrom('default', 'kube-system'), change: fc.constantFrom(...types), label: fc.string({ maxLength: 4 }) }), { maxLength: 60 }).map((raw) =>
  raw.map((r, i): LoggedEvent => {
    const ns = r.kind === 'Node' ? undefined : r.ns;
    return {
      seq: i + 1,
      subject: `${r.kind}.${ns ?? '_'}.${r.name}`,
      type: `${r.kind}${r.change}`,
      metadata: { actor: 'x', time: new Date(1_700_000_000_000 + i * 1000).toISOString() },
      data: { apiVersion: 'v1', kind: r.kind, metadata: { name: r.name, ...(ns ? { namespace: ns } : {}), labels: { l: r.label } } },
    };
  }),
);

/** Splits `events` at the given cut points into batches. */
function batches(events: LoggedEvent[], cuts: number[]): LoggedEvent[][] {
  const points = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const out: LoggedEvent[][] = [];
  let prev = 0;
  for (const p of [...points, events.length]) {
    out.push(events.slice(prev, p));
    prev = p;
  }
  return out;
}

const fold = (s: State, bs: LoggedEvent[][]) => bs.reduce((acc, b) => evolve(acc, b).state, s);

describe('the event store fold (properties)', () => {
  it('gives the same state however the log is split into batches', () => {
    fc.assert(
      fc.property(logs, fc.array(fc.nat(), { maxLength: 8 }), (events, cuts) => {
        const whole = evolve(emptyState(), events).state;
        const split = fold(emptyState(), batches(events, cuts));
        expect(compareStates(split, whole)).toEqual([]);
        expect(split.seq).toBe(whole.seq);
        expect(split.counts).toEqual(whole.counts);
      }),
    );
  });

  it('compares states by content: the same objects with their keys in another order do not differ', () => {
    const reversed = (v: unknown): unknown => (Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v);
    fc.assert(
      fc.property(logs, (events) => {
        const state = evolve(emptyState(), events).state;
        const mirrored = evolve(emptyState(), events.map((e) => ({ ...e, data: reversed(e.data) as LoggedEvent['data'] }))).state;
        expect(compareStates(mirrored, state)).toEqual([]);
      }),
    );
  });

  it('ignores events it has already folded (redelivery is harmless)', () => {
    fc.assert(
      fc.property(logs, fc.nat(), (events, k) => {
        const once = evolve(emptyState(), events).state;
        const again = evolve(once, events.slice(0, k % (events.length + 1))).state;
        expect(again).toBe(once);
      }),
    );
  });

  it('a snapshot at any point plus the tail equals the full replay', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.nat(), async (events, k) => {
        const cut = k % (events.length + 1);
        const head = evolve(emptyState(), events.slice(0, cut)).state;
        const { bytes } = await encodeSnapshot(head, 'c', '');
        const { state: restored } = await decodeSnapshot(bytes, 'c');
        expect(restored.seq).toBe(head.seq);
        const resumed = evolve(restored, events.slice(cut)).state;
        const full = evolve(emptyState(), events).state;
        expect(compareStates(resumed, full)).toEqual([]);
        expect([...allObjects(resumed)].length).toBe([...allObjects(full)].length);
        expect(resumed.counts).toEqual(full.counts);
      }),
      { numRuns: 50 },
    );
  });

  it('folding only the newest event per subject onto any base equals folding the whole log (compacted catch-up)', () => {
    fc.assert(
      fc.property(logs, fc.nat(), (events, k) => {
        const cut = k % (events.length + 1);
        const base = evolve(emptyState(), events.slice(0, cut)).state;
        const tail = events.slice(cut);
        const newest = new Map(tail.map((e) => [e.subject, e]));
        const survivors = [...newest.values()].sort((a, b) => a.seq - b.seq);
        const compacted = foldLatest(base, survivors, tail.at(-1)?.seq ?? base.seq);
        const full = evolve(base, tail).state;
        expect(compareStates(compacted, full)).toEqual([]);
        expect(compacted.seq).toBe(full.seq);
        expect(compacted.counts).toEqual(full.counts);
        // The base is shared, never written.
        expect(compareStates(base, evolve(emptyState(), events.slice(0, cut)).state)).toEqual([]);
        expect(Object.isFrozen(compacted) && Object.isFrozen(compacted.kinds.Pod[0])).toBe(true);
      }),
    );
  });

  it('a compacted fold moves seq to the last event read, even one of a kind it does not hold', () => {
    const s = foldLatest(emptyState(), [], 42);
    expect(s.seq).toBe(42);
    expect(foldLatest(s, [], 7).seq).toBe(42);
  });
});
