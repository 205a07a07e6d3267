/** Work-queue keys: `kind/namespace/name` (namespace empty for cluster-scoped objects). */
import type { KindName } from '@wharf/model';

/** The parts of a key. */
export interface ParsedKey {
  kind: string;
  namespace: string;
  name: string;
}

/** Formats a key; names may contain '/', so the name is everything after the second '/'. */
export function objectKey(kind: KindName | string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Splits a key made by objectKey. */
export function parseKey(key: string): ParsedKey {
  const a = key.indexOf('/');
  const b = key.indexOf('/', a + 1);
  if (a < 0 || b < 0) throw new Error(`malformed work-queue key "${key}"`);
  return { kind: key.slice(0, a), namespace: key.slice(a + 1, b), name: key.slice(b + 1) };
}
