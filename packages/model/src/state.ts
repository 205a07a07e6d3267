/**
 * The projected state: every live object by kind, folded from the log with immer. Objects are
 * spread over fixed hash buckets so that a batch of changes copies a few small buckets, not a
 * whole kind.
 */
import { enableMapSet, Immer, type Draft } from 'immer';
import { isDeletion } from './events.js';
import type { LoggedEvent } from './events.js';
import { KINDS, type KindName } from './kinds.js';
import { keyString, type KObject } from './object.js';

enableMapSet();

const BUCKETS = 1024;

type Bucket = Readonly<Record<string, KObject>>;

/** An immutable state snapshot: objects by kind, and the last sequence folded in. */
export interface State {
  readonly seq: number;
  readonly kinds: Readonly<Record<KindName, readonly Bucket[]>>;
  readonly counts: Readonly<Record<KindName, number>>;
}

/** One change the fold made, for the change feed. */
export interface Change {
  seq: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  event: LoggedEvent;
  object: KObject;
  previous: KObject | undefined;
}

function bucketOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % BUCKETS;
}

/** The empty state at sequence 0. */
export function emptyState(): State {
  const kinds = {} as Record<KindName, Bucket[]>;
  const counts = {} as Record<KindName, number>;
  for (const k of KINDS) {
    kinds[k.kind] = Array.from({ length: BUCKETS }, () => ({}));
    counts[k.kind] = 0;
  }
  return frozen({ seq: 0, kinds, counts });
}

/**
 * Freezes a fresh state: root, kinds, counts, buckets and each object, shallowly, as `evolve`
 * does (a deep freeze walked every nested field: a third of a 100,000-pod snapshot's start-up).
 * The bucket arrays stay unfrozen (readonly by type): V8 slices a frozen 1,024-element array
 * several times slower, and every batch slices one.
 */
function frozen(s: State): State {
  for (const buckets of Object.values(s.kinds)) {
    for (const b of buckets) {
      for (const o of Object.values(b)) Object.freeze(o);
      Object.freeze(b);
    }
  }
  Object.freeze(s.kinds);
  Object.freeze(s.counts);
  return Object.freeze(s);
}

/** A state at `seq` holding exactly `objects` (from a snapshot); frozen like a folded one. */
export function stateOf(seq: number, objects: Iterable<KObject>): State {
  const kinds = {} as Record<KindName, Record<string, KObject>[]>;
  const counts = {} as Record<KindName, number>;
  for (const k of KINDS) {
    kinds[k.kind] = Array.from({ length: BUCKETS }, () => ({}));
    counts[k.kind] = 0;
  }
  for (const o of objects) {
    if (!Object.hasOwn(kinds, o.kind)) continue;
    const buckets = kinds[o.kind as KindName];
    const key = keyString(o.metadata.namespace, o.metadata.name);
    const b = buckets[bucketOf(key)]!;
    if (!own(b, key)) counts[o.kind as KindName]++;
    b[key] = o;
  }
  return frozen({ seq, kinds, counts });
}

/** Every object in `state`, kind by kind in registry order (unsorted within a kind). */
export function* allObjects(state: State): Generator<KObject> {
  for (const k of KINDS) for (const b of state.kinds[k.kind]) yield* Object.values(b);
}

/**
 * The object under `key` in a bucket: its own member only. An inherited one is no object: a
 * Node named "constructor" or "toString" would otherwise read Object.prototype's.
 */
function own(bucket: Bucket, key: string): KObject | undefined {
  return Object.hasOwn(bucket, key) ? bucket[key] : undefined;
}

/** The object with this key, if it exists in `state`. */
export function getObject<T extends KObject = KObject>(state: State, kind: KindName, namespace: string | undefined, name: string): T | undefined {
  const key = keyString(namespace, name);
  return own(state.kinds[kind][bucketOf(key)]!, key) as T | undefined;
}

/** Every object of a kind, optionally in one namespace, sorted by namespace then name. */
export function listObjects<T extends KObject = KObject>(state: State, kind: KindName, namespace?: string): T[] {
  const out: T[] = [];
  for (const b of state.kinds[kind]) {
    for (const o of Object.values(b)) if (!namespace || o.metadata.namespace === namespace) out.push(o as T);
  }
  return out.sort(byNamespaceAndName);
}

function byNamespaceAndName(a: KObject, b: KObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  return na < nb ? -1 : na > nb ? 1 : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The object an event leaves behind: its data with resourceVersion set to the event's sequence. */
export function objectOf(e: LoggedEvent): KObject {
  return { ...e.data, metadata: { ...e.data.metadata, resourceVersion: String(e.seq) } };
}

/** The immer instance of the fold: it freezes by hand (shallowly) what a batch touched. */
const fold = new Immer({ autoFreeze: false });

/**
 * Folds a batch of events into `state` (pure); returns the new state and what changed.
 *
 * One immer produce per batch: untouched kinds and buckets are shared with `state`, each touched
 * bucket is copied once. immer's automatic deep freeze is off (it walked every new object and
 * capped a replay of a 100,000-pod log at about 8,000 events/s, bench/history.mjs); instead each
 * new object and each touched bucket is frozen shallowly here. Readers treat nested fields as
 * read-only too: they are shared between states.
 */
export function evolve(state: State, events: readonly LoggedEvent[]): { state: State; changes: Change[] } {
  const changes: Change[] = [];
  // The latest value of each key touched in this batch, so the draft is only written, never read.
  const latest = new Map<string, KObject | undefined>();
  const touched = new Map<KindName, Set<number>>();
  const next = fold.produce(state, (d: Draft<State>) => {
    for (const e of events) {
      if (e.seq <= d.seq) continue;
      d.seq = e.seq;
      const kind = e.data.kind as KindName;
      if (!Object.hasOwn(state.kinds, kind)) continue;
      const key = keyString(e.data.metadata.namespace, e.data.metadata.name);
      const i = bucketOf(key);
      const full = `${kind}|${key}`;
      const previous = latest.has(full) ? latest.get(full) : own(state.kinds[kind][i]!, key);
      const b = d.kinds[kind][i]! as Record<string, KObject>;
      if (!touched.has(kind)) touched.set(kind, new Set());
      touched.get(kind)!.add(i);
      const object = Object.freeze(objectOf(e));
      if (isDeletion(e.type)) {
        if (previous) {
          delete b[key];
          d.counts[kind]--;
        }
        latest.set(full, undefined);
        changes.push({ seq: e.seq, type: 'DELETED', event: e, object, previous });
      } else {
        b[key] = object;
        if (!previous) d.counts[kind]++;
        latest.set(full, object);
        changes.push({ seq: e.seq, type: previous ? 'MODIFIED' : 'ADDED', event: e, object, previous });
      }
    }
  });
  if (next === state) return { state, changes };
  return { state: sealed(next, touched), changes };
}

/**
 * Folds the newest event of each object into `state` (pure): the fold of a compacted log while
 * catching up (see LatestBySubject), announcing nothing. Each event replaces or removes its whole
 * object, so when `events` holds the last event of every object touched after `state.seq`
 * (oldest first), the result equals `evolve` over the whole log up to `seq`. No immer: buckets
 * are copied on first write and mutated in place, then frozen like `evolve`'s.
 */
export function foldLatest(state: State, events: Iterable<LoggedEvent>, seq: number): State {
  const kinds = { ...state.kinds } as Record<KindName, Record<string, KObject>[]>;
  const counts = { ...state.counts } as Record<KindName, number>;
  const copied = new Map<KindName, Set<number>>();
  for (const e of events) {
    if (e.seq <= state.seq) continue;
    const kind = e.data.kind as KindName;
    if (!Object.hasOwn(state.kinds, kind)) continue;
    const base = state.kinds[kind];
    let mine = copied.get(kind);
    if (!mine) {
      copied.set(kind, (mine = new Set()));
      kinds[kind] = base.slice();
    }
    const key = keyString(e.data.metadata.namespace, e.data.metadata.name);
    const i = bucketOf(key);
    if (!mine.has(i)) {
      mine.add(i);
      kinds[kind][i] = { ...base[i] };
    }
    const b = kinds[kind][i]!;
    const previous = own(b, key);
    if (isDeletion(e.type)) {
      if (previous) {
        delete b[key];
        counts[kind]--;
      }
    } else {
      if (!previous) counts[kind]++;
      b[key] = Object.freeze(objectOf(e));
    }
  }
  return sealed({ seq: Math.max(state.seq, seq), kinds, counts }, copied);
}

/**
 * Freezes what a fold wrote: the buckets it `touched` (by kind), the kinds and counts records and
 * the state itself. The bucket arrays stay unfrozen (see `frozen`).
 */
function sealed(next: State, touched: ReadonlyMap<KindName, ReadonlySet<number>>): State {
  for (const [kind, buckets] of touched) for (const i of buckets) Object.freeze(next.kinds[kind][i]);
  Object.freeze(next.kinds);
  Object.freeze(next.counts);
  return Object.freeze(next);
}
