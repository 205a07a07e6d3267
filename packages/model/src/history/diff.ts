/**
 * Compact diffs between two versions of an object (`spec.replicas: 5 → 8`) and between two
 * states (which objects were ADDED, MODIFIED or DELETED). Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KObject } from '../object.js';

/** One changed leaf: its dotted path and the values before and after (undefined: absent). */
export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Fields every write touches; leaving them out keeps diffs about what the user cares for. */
const NOISE = new Set(['metadata.resourceVersion', 'metadata.managedFields', 'metadata.generation']);

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (NOISE.has(path)) return;
  if (isPlain(a) && isPlain(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) walk(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (!isDeepStrictEqual(a, b)) out.push({ path, from: a, to: b });
}

/** The changed leaves from `before` to `after` (a missing side counts as absent). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk('', before ?? {}, after ?? {}, out);
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return '∅';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** One line per change, `path: from → to`, at most `max` of them (then `+N more`). */
export function compactDiff(before: unknown, after: unknown, max = 4): string {
  const changes = fieldChanges(before, after);
  const shown = changes.slice(0, max).map((c) => `${c.path}: ${show(c.from)} → ${show(c.to)}`);
  if (changes.length > max) shown.push(`+${changes.length - max} more`);
  return shown.join(', ');
}

/** How one object differs between two points. */
export interface ObjectChange {
  change: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  namespace: string;
  name: string;
  /** resourceVersion at `from` (0 when absent). */
  fromRevision: number;
  /** resourceVersion at `to` (0 when absent). */
  toRevision: number;
}

/** Compares two lists of objects keyed by kind/namespace/name; sorted by kind, namespace, name. */
export function diffObjects(from: Iterable<KObject>, to: Iterable<KObject>): ObjectChange[] {
  const key = (o: KObject) => `${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
  const before = new Map<string, KObject>();
  for (const o of from) before.set(key(o), o);
  const out: ObjectChange[] = [];
  const rv = (o: KObject | undefined) => Number(o?.metadata.resourceVersion ?? 0);
  const entry = (change: ObjectChange['change'], o: KObject, a: KObject | undefined, b: KObject | undefined): ObjectChange => ({
    change, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name, fromRevision: rv(a), toRevision: rv(b),
  });
  for (const o of to) {
    const k = key(o);
    const a = before.get(k);
    before.delete(k);
    if (!a) out.push(entry('ADDED', o, undefined, o));
    else if (rv(a) !== rv(o) || (rv(o) === 0 && !isDeepStrictEqual(a, o))) out.push(entry('MODIFIED', o, a, o));
  }
  for (const a of before.values()) out.push(entry('DELETED', a, a, undefined));
  return out.sort((x, y) => (x.kind + '\0' + x.namespace + '\0' + x.name < y.kind + '\0' + y.namespace + '\0' + y.name ? -1 : 1));
}
