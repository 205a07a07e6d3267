/**
 * Replay verification's pure half: the comparison of a live and a replayed state, object by
 * object, and the report `wharf replay --verify` prints. The store's `verifyReplay` does the I/O.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CorruptEvent } from '../eventgate.js';
import type { KObject } from '../object.js';
import { allObjects, type State } from '../state.js';
import { fieldChanges } from './diff.js';

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
  /** The corrupt messages the replay passed over, as every projection does: how many, and the first 20. */
  corrupt: { count: number; items: CorruptEvent[] };
}

/** How many corrupt messages a VerifyReport lists by name. */
export const VERIFY_CORRUPT_ITEMS = 20;

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
    else if (!isDeepStrictEqual(o, r)) out.push({ ...id(o), problem: 'differs', fields: fieldChanges(r, o).map((c) => c.path) });
  }
  for (const [k, o] of b) if (!a.has(k)) out.push({ ...id(o), problem: 'only in replay' });
  return out;
}

