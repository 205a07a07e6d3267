/**
 * The projected state: every live object by kind, folded from the log with immer. Objects are
 * spread over fixed hash buckets so that one change copies a small bucket, not a whole kind.
 */
import { enableMapSet, freeze, produce, type Draft } from 'immer';
import { isDeletion } from '../events.js';
import type { LoggedEvent } from '../events.js';
import { KINDS, type KindName } from '../kinds.js';
import { keyString, type KObject } from '../object.js';

enableMapSet();

const BUCKETS = 256;

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
  return freeze({ seq: 0, kinds, counts }, true);
}

/** A state at `seq` holding exactly `objects` (from a snapshot); deep-frozen like a folded one. */
export function stateOf(seq: number, objects: Iterable<KObject>): State {
  const kinds = {} as Record<KindName, Record<string, KObject>[]>;
  const counts = {} as Record<KindName, number>;
  for (const k of KINDS) {
    kinds[k.kind] = Array.from({ length: BUCKETS }, () => ({}));
    counts[k.kind] = 0;
  }
  for (const o of objects) {
    const buckets = kinds[o.kind as KindName];
    if (!buckets) continue;
    const key = keyString(o.metadata.namespace, o.metadata.name);
    const b = buckets[bucketOf(key)]!;
    if (!b[key]) counts[o.kind as KindName]++;
    b[key] = o;
  }
  return freeze({ seq, kinds, counts }, true);
}

/** Every object in `state`, kind by kind in registry order (unsorted within a kind). */
export function* allObjects(state: State): Generator<KObject> {
  for (const k of KINDS) for (const b of state.kinds[k.kind]) yield* Object.values(b);
}

/** The object with this key, if it exists in `state`. */
export function getObject<T extends KObject = KObject>(state: State, kind: KindName, namespace: string | undefined, name: string): T | undefined {
  const key = keyString(namespace, name);
  return state.kinds[kind][bucketOf(key)]![key] as T | undefined;
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

/** Folds a batch of events into `state` (pure); returns the new state and what changed. */
export function evolve(state: State, events: readonly LoggedEvent[]): { state: State; changes: Change[] } {
  const changes: Change[] = [];
  // The latest value of each key touched in this batch; avoids reading (and so drafting) the tree.
  const latest = new Map<string, KObject | undefined>();
  const next = produce(state, (d: Draft<State>) => {
    for (const e of events) {
      if (e.seq <= d.seq) continue;
      d.seq = e.seq;
      const kind = e.data.kind as KindName;
      const buckets = d.kinds[kind];
      if (!buckets) continue;
      const key = keyString(e.data.metadata.namespace, e.data.metadata.name);
      const full = `${kind}|${key}`;
      const previous = latest.has(full) ? latest.get(full) : getObject(state, kind, e.data.metadata.namespace, e.data.metadata.name);
      const b = buckets[bucketOf(key)]!;
      const object = objectOf(e);
      if (isDeletion(e.type)) {
        if (previous) {
          delete b[key];
          d.counts[kind]--;
        }
        latest.set(full, undefined);
        changes.push({ seq: e.seq, type: 'DELETED', event: e, object, previous });
      } else {
        b[key] = object as Draft<KObject>;
        if (!previous) d.counts[kind]++;
        latest.set(full, object);
        changes.push({ seq: e.seq, type: previous ? 'MODIFIED' : 'ADDED', event: e, object, previous });
      }
    }
  });
  return { state: next, changes };
}
