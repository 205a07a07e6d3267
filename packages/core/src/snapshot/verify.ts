/**
 * Replay verification: rebuild the state from the start of the log (or the oldest base the
 * retained log allows) in a fresh fold, and compare it object by object with a live state.
 */
import { allObjects, emptyState, type State } from '../store/state.js';
import type { EventStore } from '../store/eventstore.js';
import type { KObject } from '../object.js';
import { fieldChanges } from '../history/diff.js';
import { replayOnto } from './timetravel.js';
import type { SnapshotStore } from './store.js';

/** One object on which the replay and the live state disagree. */
export interface StateDifference {
  kind: string;
  namespace: string;
  name: string;
  problem: 'only in live' | 'only in replay' | 'differs';
  /** The differing fields (for 'differs'). */
  fields?: string[];
}

/** The outcome of a verification. */
export interface VerifyReport {
  /** The revision both states are at. */
  revision: number;
  /** Where the replay started: 0 for the first event, else the snapshot it started from. */
  base: number;
  objects: number;
  events: number;
  ms: number;
  differences: StateDifference[];
}

function index(state: State): Map<string, KObject> {
  const m = new Map<string, KObject>();
  for (const o of allObjects(state)) m.set(`${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`, o);
  return m;
}

/** Compares two states object by object (pure). */
export function compareStates(live: State, replayed: State): StateDifference[] {
  const a = index(live);
  const b = index(replayed);
  const out: StateDifference[] = [];
  const id = (o: KObject) => ({ kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name });
  for (const [k, o] of a) {
    const r = b.get(k);
    if (!r) out.push({ ...id(o), problem: 'only in live' });
    else if (JSON.stringify(o) !== JSON.stringify(r)) out.push({ ...id(o), problem: 'differs', fields: fieldChanges(r, o).map((c) => c.path) });
  }
  for (const [k, o] of b) if (!a.has(k)) out.push({ ...id(o), problem: 'only in replay' });
  return out;
}

/** Replays from the first event (or, past retention, the newest snapshot the log continues from) up to `live.seq`, and compares. */
export async function verifyReplay(store: EventStore, live: State, snapshots?: SnapshotStore): Promise<VerifyReport> {
  const t0 = Date.now();
  const { first } = await store.bounds();
  let base = emptyState();
  if (first > 1 && snapshots) {
    const snap = await snapshots.latest(undefined, live.seq, (i) => i.seq + 1 >= first);
    if (snap) base = snap.state;
  }
  const replayed = await replayOnto(store, base, live.seq);
  const differences = compareStates(live, replayed);
  let objects = 0;
  for (const _ of allObjects(live)) objects++;
  return { revision: live.seq, base: base.seq, objects, events: live.seq - base.seq, ms: Date.now() - t0, differences };
}
