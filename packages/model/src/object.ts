/** The shape every stored object shares, and typed views of the kinds. */
import { isDeepStrictEqual } from 'node:util';
import type { ObjectMeta } from './schemas/meta.js';
import type { KindMap, KindName } from './kinds.js';

/**
 * Any stored object, of any kind: apiVersion, kind and metadata with a name. The untyped view for
 * code that handles every kind alike (the log, the write path, the HTTP layer).
 */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

/**
 * An object as stored: its kind's schema type, with the name every stored object has (only the
 * body of a create may lack one, and get it from generateName). A `Stored<Pod>` is a `Pod` and a
 * `KObject`.
 */
export type Stored<T extends { metadata: ObjectMeta }> = T & { metadata: { name: string } };

/** The stored type of kind K: `ObjectOf<'Pod'>` is `Stored<Pod>`; for any kind, the union of them all. */
export type ObjectOf<K extends KindName = KindName> = Stored<KindMap[K]>;

/**
 * True when `o` is of `kind`, which narrows it to that kind's type. The log and the state hold only
 * objects their kind's schema admitted, so an object's `kind` field tells its type.
 */
export function isKind<K extends KindName>(o: { kind: string }, kind: K): o is ObjectOf<K> {
  return o.kind === kind;
}

/** The identity of an object in the store. */
export interface ObjectKey {
  kind: KindName;
  namespace: string;
  name: string;
}

/** `namespace/name`, or just `name` for cluster-scoped objects. */
export function keyString(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The resourceVersion of an object as a number (0 when unset). */
export function rvOf(o: { metadata?: { resourceVersion?: string } } | undefined): number {
  const rv = o?.metadata?.resourceVersion;
  return rv ? Number(rv) : 0;
}

/** True when `a` and `b` are the same once stored as JSON: key order is ignored, and so are undefined-valued keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asStored(a), asStored(b));
}

function asStored(v: unknown): unknown {
  const s = JSON.stringify(v);
  return s === undefined ? undefined : JSON.parse(s);
}
