/**
 * The projected state: every live object by kind, folded from the log with immer. Objects are
 * spread over fixed hash buckets so that a batch of changes copies a few small buckets, not a
 * whole kind.
 */
import { enableMapSet, Immer, type Draft } from 'immer';
import { isDeletion } from './events.js';
import type { LoggedEvent } from './events.js';
import { KINDS, type KindName } from './kinds.js';
import { keyString, type KObject, type ObjectOf } from './object.js';

enableMapSet();

const BUCKETS = 1024;

const KIND_NAMES: ReadonlySet<string> = new Set(KINDS.map((k) => k.kind));

/** Objects of kind K by `namespace/name`. */
type Bucket<K extends KindName> = Readonly<Record<string, ObjectOf<K>>>;

/** The fold's untyped view of a bucket it writes: it files each event's object under the event's kind. */
type Writable = Record<string, KObject>;

/** An immutable state snapshot: objects by kind, and the last sequence folded in. */
export interface State {
  readonly seq: number;
  readonly kinds: { readonly [K in KindName]: readonly Bucket<K>[] };
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

/** A change to an object of kind K (see `isChangeOf`). */
export interface ChangeOf<K extends KindName> extends Omit<Change, 'object' | 'previous'> {
  object: ObjectOf<K>;
  previous: ObjectOf<K> | undefined;
}

/** True when `c` changed an object of `kind`, which narrows its object and previous to that kind's type (see `isKind`). */
export function isChangeOf<K extends KindName>(c: { object: { kind: string } }, kind: K): c is ChangeOf<K> {
  return c.object.kind === kind;
}

function bucketOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % BUCKETS;
}

/** The empty state at sequence 0. */
export function emptyState(): State {
  const kinds = {} as Record<KindName, Writable[]>;
  const counts = {} as Record<KindName, number>;
  for (const k of KINDS) {
    kinds[k.kind] = Array.from({ length: BUCKETS }, () => ({}));
    counts[k.kind] = 0;
  }
  return frozen(seal(0, kinds, counts));
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
  const kinds = {} as Record<KindName, Writable[]>;
  const counts = {} as Record<KindName, number>;
  for (const k of KINDS) {
    kinds[k.kind] = Array.from({ length: BUCKETS }, () => ({}));
    counts[k.kind] = 0;
  }
  for (const o of objects) {
    if (!isKindName(o.kind)) continue;
    const key = keyString(o.metadata.namespace, o.metadata.name);
    const b = kinds[o.kind][bucketOf(key)]!;
    if (!own(b, key)) counts[o.kind]++;
    b[key] = o;
  }
  return frozen(seal(seq, kinds, counts));
}

/** True for the kinds the state holds (an event of another kind only moves the sequence on). */
function isKindName(kind: string): kind is KindName {
  return KIND_NAMES.has(kind);
}

/**
 * A state of buckets the fold filled: each holds only objects of its own kind (the fold files an
 * object under its `kind`, and the log holds only objects their kind's schema admitted), so this
 * is where they take their kind's type.
 */
function seal(seq: number, kinds: Record<KindName, readonly Writable[]>, counts: Record<KindName, number>): State {
  return { seq, kinds: kinds as unknown as State['kinds'], counts };
}

/** Every object in `state`, kind by kind in registry order (unsorted within a kind). */
export function* allObjects(state: State): Generator<ObjectOf> {
  for (const k of KINDS) for (const b of state.kinds[k.kind]) yield* Object.values(b);
}

/**
 * The object under `key` in a bucket: its own member only. An inherited one is no object: a
 * Node named "constructor" or "toString" would otherwise read Object.prototype's.
 */
function own<T>(bucket: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(bucket, key) ? bucket[key] : undefined;
}

/** The object of `kind` with this key, if it exists in `state`. */
export function getObject<K extends KindName>(state: State, kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
  const key = keyString(namespace, name);
  return own(state.kinds[kind][bucketOf(key)]!, key);
}

/** Every object of `kind`, optionally in one namespace, sorted by namespace then name. */
export function listObjects<K extends KindName>(state: State, kind: K, namespace?: string): ObjectOf<K>[] {
  const out: ObjectOf<K>[] = [];
  for (const b of state.kinds[kind]) {
    for (const o of Object.values(b)) if (!namespace || o.metadata.namespace === namespace) out.push(o);
  }
  return out.sort(byNamespaceAndName);
}

function byNamespaceAndName(a: { metadata: { namespace?: string; name: string } }, b: { metadata: { namespace?: string; name: string } }): number {
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
 * Folds a batch of events into `state` (pure); returns the new state and what changed. The new
 * state's `seq` is the last event's, or `through` when that is later (the batch ended in messages
 * the gate set aside: they are passed over as if they were not there). Every event must have come
 * through `decodeEvent`.
 *
 * One immer produce per batch: untouched kinds and buckets are shared with `state`, each touched
 * bucket is copied once. immer's automatic deep freeze is off (it walked every new object and
 * capped a replay of a 100,000-pod log at about 8,000 events/s, bench/history.mjs); instead each
 * new object and each touched bucket is frozen shallowly here. Readers treat nested fields as
 * read-only too: they are shared between states.
 */
export function evolve(state: State, events: readonly LoggedEvent[], through = 0): { state: State; changes: Change[] } {
  const changes: Change[] = [];
  // The latest value of each key touched in this batch, so the draft is only written, never read.
  const latest = new Map<string, KObject | undefined>();
  const touched = new Map<KindName, Set<number>>();
  const next = fold.produce(state, (d: Draft<State>) => {
    for (const e of events) {
      if (e.seq <= d.seq) continue;
      d.seq = e.seq;
      const kind = e.data.kind;
      if (!isKindName(kind)) continue;
      const key = keyString(e.data.metadata.namespace, e.data.metadata.name);
      const i = bucketOf(key);
      const full = `${kind}|${key}`;
      const previous = latest.has(full) ? latest.get(full) : own<KObject>(state.kinds[kind][i]!, key);
      const b: Writable = d.kinds[kind][i]!;
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
    if (through > d.seq) d.seq = through;
  });
  if (next === state) return { state, changes };
  return { state: sealed(next, touched), changes };
}

/**
 * Folds the newest event of each object into `state` (pure): the fold of a compacted log while
 * catching up (see LatestBySubject), announcing nothing. Each event replaces or removes its whole
 * object, so when `events` holds the last event of every object touched after `state.seq`
 * (oldest first; the last that passed `decodeEvent`, messages set aside do not count), the result
 * equals `evolve` over the whole log up to `seq`. No immer: buckets
 * are copied on first write and mutated in place, then frozen like `evolve`'s.
 */
export function foldLatest(state: State, events: Iterable<LoggedEvent>, seq: number): State {
  const kinds: Record<KindName, readonly Writable[]> = { ...state.kinds };
  const counts = { ...state.counts };
  // The kinds whose bucket array is a copy already, with that copy and the buckets copied in it.
  const copies = new Map<KindName, { buckets: Writable[]; copied: Set<number> }>();
  for (const e of events) {
    if (e.seq <= state.seq) continue;
    const kind = e.data.kind;
    if (!isKindName(kind)) continue;
    let mine = copies.get(kind);
    if (!mine) {
      const buckets: Writable[] = state.kinds[kind].slice();
      copies.set(kind, (mine = { buckets, copied: new Set() }));
      kinds[kind] = buckets;
    }
    const key = keyString(e.data.metadata.namespace, e.data.metadata.name);
    const i = bucketOf(key);
    if (!mine.copied.has(i)) {
      mine.copied.add(i);
      mine.buckets[i] = { ...mine.buckets[i] };
    }
    const b = mine.buckets[i]!;
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
  const touched = new Map([...copies].map(([kind, c]) => [kind, c.copied]));
  return sealed(seal(Math.max(state.seq, seq), kinds, counts), touched);
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
