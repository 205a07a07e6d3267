/**
 * Time travel: the state at a past revision or time, from the nearest usable base (a cached
 * state, a snapshot at or before the point, or the empty state when the log starts at 1) plus
 * the log up to the point. A point no base can reach (retention dropped the events after every
 * older snapshot) gets ExpiredError (410).
 */
import type { Logger } from '../logger.js';
import { readRangeDecoded, seqAtTime } from '../history/read.js';
import type { EventStore } from '../eventstore.js';
import type { SnapshotStore } from './store.js';
import { type CorruptEvent, emptyState, evolve, ExpiredError, isCorrupt, type LoggedEvent, type Point, type State } from '@wharf/model';

const BATCH = 4096;

/**
 * Folds the log from `base.seq + 1` to `to` into `base`, event by event; corrupt messages are
 * passed over (each handed to `onCorrupt`) as if they were not there.
 */
export async function replayOnto(store: EventStore, base: State, to: number, signal?: AbortSignal, onCorrupt?: (c: CorruptEvent) => void): Promise<State> {
  let state = base;
  let batch: LoggedEvent[] = [];
  let through = 0;
  for await (const e of readRangeDecoded(store, { from: base.seq + 1, to, ...(signal ? { signal } : {}) })) {
    through = e.seq;
    if (isCorrupt(e)) onCorrupt?.(e);
    else batch.push(e);
    if (batch.length >= BATCH) {
      state = evolve(state, batch, through).state;
      batch = [];
    }
  }
  if (batch.length || through > state.seq) state = evolve(state, batch, through).state;
  // Nothing after base up to `to` may still move seq forward (e.g. filtered or empty tail).
  return state;
}

/** Rebuilds past states with a small cache of recent answers. */
export class TimeTravel {
  #cache: State[] = [];

  constructor(readonly store: EventStore, readonly snapshots: SnapshotStore | undefined, readonly log?: Logger, readonly cacheSize = 4) {}

  /** The revision a point names: a revision as is (capped at the log's end), a time as the last event at or before it. */
  async resolve(p: Point): Promise<{ seq: number; time?: number }> {
    const { last } = await this.store.bounds();
    if ('revision' in p) return { seq: Math.min(p.revision, last) };
    return { seq: await seqAtTime(this.store, p.time), time: p.time };
  }

  /** The state after revision `seq` (or at the time the point names); 410 when it cannot be rebuilt. */
  async stateAt(p: Point): Promise<State> {
    const { seq, time } = await this.resolve(p);
    const { first } = await this.store.bounds();
    const cached = this.#cache.find((s) => s.seq === seq);
    if (cached) return cached;
    // A cached state just before the point (stepping forward through history) is the cheapest base.
    const reusable = (s: State) => s.seq <= seq && s.seq + 1 >= first;
    let base: State | undefined = this.#cache.filter(reusable).sort((a, b) => b.seq - a.seq)[0];
    // Before the retained log, a time is answered only by a snapshot taken right at its edge and no later than the time.
    const edge = time !== undefined && first > 1 && seq === first - 1;
    const usable = (i: { seq: number; time: string }) => i.seq > (base?.seq ?? -1) && (i.seq === seq || i.seq + 1 >= first) && !(edge && (!i.time || Date.parse(i.time) > time));
    const snap = this.snapshots ? await this.snapshots.latest(this.log, seq, usable) : undefined;
    if (snap && (!base || snap.state.seq > base.seq)) base = snap.state;
    if (!base && first <= 1 && !edge) base = emptyState();
    if (!base) throw new ExpiredError(`${time !== undefined ? new Date(time).toISOString() : `revision ${seq}`} is older than the retained history: the log starts at revision ${first} and no snapshot reaches back that far`);
    const state = base.seq === seq ? base : await replayOnto(this.store, base, seq);
    this.#cache = [state, ...this.#cache.filter((s) => s !== state)].slice(0, this.cacheSize);
    return state;
  }
}
