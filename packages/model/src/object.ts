/** The shape every stored object shares, and typed views of the kinds. */
import { isDeepStrictEqual } from 'node:util';
import type { ObjectMeta } from './schemas/meta.js';
import type { KindName } from './kinds.js';

/** Any stored object: apiVersion, kind and metadata with a name. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
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
