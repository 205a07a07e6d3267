import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../object.js';
import { compactDiff, diffObjects, fieldChanges } from './diff.js';

describe('fieldChanges', () => {
  it('given two equal objects, finds no change', () => {
    const o = { spec: { replicas: 2, selector: { app: 'web' } }, list: [1, { a: 2 }] };
    expect(fieldChanges(o, structuredClone(o))).toEqual([]);
  });

  it('given a changed nested leaf, reports its dotted path with both values', () => {
    expect(fieldChanges({ spec: { replicas: 1, paused: false } }, { spec: { replicas: 3, paused: false } })).toEqual([{ path: 'spec.replicas', from: 1, to: 3 }]);
  });

  it('given an added and a removed field, reports the missing side as undefined', () => {
    expect(fieldChanges({ status: { phase: 'Pending', reason: 'x' } }, { status: { phase: 'Pending', podIP: '10.0.0.1' } })).toEqual([
      { path: 'status.reason', from: 'x', to: undefined },
      { path: 'status.podIP', from: undefined, to: '10.0.0.1' },
    ]);
  });

  it('given a whole new object, reports it at the path where it appears, not leaf by leaf', () => {
    expect(fieldChanges({ metadata: { name: 'a' } }, { metadata: { name: 'a', labels: { app: 'web', tier: 'x' } } })).toEqual([{ path: 'metadata.labels', from: undefined, to: { app: 'web', tier: 'x' } }]);
  });

  it('given arrays of the same length, compares them element by element with [i] in the path', () => {
    const before = { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis' }] } };
    const after = { spec: { containers: [{ name: 'a', image: 'nginx:2' }, { name: 'b', image: 'redis' }] } };
    expect(fieldChanges(before, after)).toEqual([{ path: 'spec.containers[0].image', from: 'nginx:1', to: 'nginx:2' }]);
  });

  it('given arrays of different lengths, reports the whole array', () => {
    expect(fieldChanges({ ports: [80] }, { ports: [80, 443] })).toEqual([{ path: 'ports', from: [80], to: [80, 443] }]);
  });

  it('given a value that changes type (object to string, object to null), reports it as one change', () => {
    expect(fieldChanges({ a: { b: 1 }, c: { d: 1 } }, { a: 'flat', c: null })).toEqual([
      { path: 'a', from: { b: 1 }, to: 'flat' },
      { path: 'c', from: { d: 1 }, to: null },
    ]);
  });

  it('given only resourceVersion, generation and managedFields changing, finds no change', () => {
    const before = { metadata: { name: 'a', resourceVersion: '1', generation: 1, managedFields: [] } };
    const after = { metadata: { name: 'a', resourceVersion: '9', generation: 2, managedFields: [{ manager: 'x' }] } };
    expect(fieldChanges(before, after)).toEqual([]);
    expect(fieldChanges(before, { metadata: { ...after.metadata, uid: 'u' } })).toEqual([{ path: 'metadata.uid', from: undefined, to: 'u' }]);
  });

  it('given a missing side, compares against an empty object', () => {
    expect(fieldChanges(undefined, { a: 1 })).toEqual([{ path: 'a', from: undefined, to: 1 }]);
    expect(fieldChanges({ a: 1 }, null)).toEqual([{ path: 'a', from: 1, to: undefined }]);
  });

  const json = fc.jsonValue({ maxDepth: 3 });

  it('property: an object compared with a copy of itself has no changes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), json, { maxKeys: 4 }), (o) => fieldChanges(o, structuredClone(o)).length === 0),
      { numRuns: 200 },
    );
  });

  it('property: comparing the other way round reports the same paths with from and to swapped, and every reported pair differs', () => {
    const obj = fc.dictionary(fc.constantFrom('a', 'b', 'c'), json, { maxKeys: 3 });
    fc.assert(
      fc.property(obj, obj, (a, b) => {
        const forth = fieldChanges(a, b);
        const back = fieldChanges(b, a);
        const key = (c: { path: string }) => c.path;
        expect(back.map((c) => ({ path: c.path, from: c.to, to: c.from })).sort((x, y) => key(x).localeCompare(key(y)))).toEqual([...forth].sort((x, y) => key(x).localeCompare(key(y))));
        expect(forth.every((c) => !isDeepStrictEqual(c.from, c.to))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('compactDiff', () => {
  it('given no change, is empty', () => {
    expect(compactDiff({ a: 1 }, { a: 1 })).toBe('');
  });

  it('given changes, writes one "path: from → to" per change, ∅ for absent, strings bare and other values as JSON', () => {
    expect(compactDiff({ spec: { replicas: 1, selector: { app: 'a' } } }, { spec: { replicas: 2, selector: { app: 'b' } }, status: { ready: true } })).toBe('spec.replicas: 1 → 2, spec.selector.app: a → b, status: ∅ → {"ready":true}');
  });

  it('given a long value, cuts it to 40 characters with "..."', () => {
    const long = 'x'.repeat(41);
    expect(compactDiff({ a: 'short' }, { a: long })).toBe(`a: short → ${'x'.repeat(37)}...`);
    expect(compactDiff({ a: 'short' }, { a: 'y'.repeat(40) })).toBe(`a: short → ${'y'.repeat(40)}`);
  });

  it('given more changes than the maximum, shows the first ones and counts the rest', () => {
    const before = { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 };
    const after = { a: 2, b: 2, c: 2, d: 2, e: 2, f: 2 };
    expect(compactDiff(before, after)).toBe('a: 1 → 2, b: 1 → 2, c: 1 → 2, d: 1 → 2, +2 more');
    expect(compactDiff(before, after, 1)).toBe('a: 1 → 2, +5 more');
    expect(compactDiff(before, after, 6)).not.toContain('more');
  });
});

describe('diffObjects', () => {
  const obj = (kind: string, name: string, rv?: string, namespace?: string, spec: Record<string, unknown> = {}): KObject =>
    ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(rv ? { resourceVersion: rv } : {}) }, spec }) as KObject;

  it('given the same objects at the same revisions, reports nothing', () => {
    const objects = [obj('Pod', 'a', '3', 'default'), obj('Node', 'n', '4')];
    expect(diffObjects(objects, structuredClone(objects))).toEqual([]);
  });

  it('given added, changed and removed objects, reports each with its revisions before and after (0 when absent)', () => {
    const from = [obj('Pod', 'kept', '1', 'default'), obj('Pod', 'changed', '2', 'default'), obj('Pod', 'gone', '3', 'default')];
    const to = [obj('Pod', 'kept', '1', 'default'), obj('Pod', 'changed', '5', 'default'), obj('Pod', 'new', '6', 'default')];
    expect(diffObjects(from, to)).toEqual([
      { change: 'MODIFIED', kind: 'Pod', namespace: 'default', name: 'changed', fromRevision: 2, toRevision: 5 },
      { change: 'DELETED', kind: 'Pod', namespace: 'default', name: 'gone', fromRevision: 3, toRevision: 0 },
      { change: 'ADDED', kind: 'Pod', namespace: 'default', name: 'new', fromRevision: 0, toRevision: 6 },
    ]);
  });

  it('given one name in two kinds or two namespaces, keeps them apart', () => {
    const changes = diffObjects([obj('Pod', 'web', '1', 'a')], [obj('Pod', 'web', '2', 'b'), obj('Service', 'web', '3', 'a')]);
    expect(changes.map((c) => `${c.change} ${c.kind} ${c.namespace}/${c.name}`)).toEqual(['DELETED Pod a/web', 'ADDED Pod b/web', 'ADDED Service a/web']);
  });

  it('given a cluster-scoped object, reports an empty namespace', () => {
    expect(diffObjects([], [obj('Node', 'n1', '1')])).toEqual([{ change: 'ADDED', kind: 'Node', namespace: '', name: 'n1', fromRevision: 0, toRevision: 1 }]);
  });

  it('given objects without revisions, compares their content', () => {
    expect(diffObjects([obj('Pod', 'a', undefined, 'd', { x: 1 })], [obj('Pod', 'a', undefined, 'd', { x: 1 })])).toEqual([]);
    expect(diffObjects([obj('Pod', 'a', undefined, 'd', { x: 1 })], [obj('Pod', 'a', undefined, 'd', { x: 2 })]).map((c) => c.change)).toEqual(['MODIFIED']);
  });

  it('given objects without revisions whose content differs only in key order, reports nothing', () => {
    expect(diffObjects([obj('Pod', 'a', undefined, 'd', { x: 1, y: { p: 1, q: 2 } })], [obj('Pod', 'a', undefined, 'd', { y: { q: 2, p: 1 }, x: 1 })])).toEqual([]);
  });

  it('property: the changes are sorted by kind, namespace and name, and replaying them on "from" gives the keys of "to"', () => {
    const o = fc.tuple(fc.constantFrom('Pod', 'Service'), fc.constantFrom('a', 'b', 'c'), fc.constantFrom('ns1', 'ns2'), fc.integer({ min: 1, max: 3 })).map(([k, n, ns, rv]) => obj(k, n, String(rv), ns));
    const unique = (xs: KObject[]) => [...new Map(xs.map((x) => [`${x.kind}/${x.metadata.namespace}/${x.metadata.name}`, x])).values()];
    fc.assert(
      fc.property(fc.array(o, { maxLength: 8 }).map(unique), fc.array(o, { maxLength: 8 }).map(unique), (from, to) => {
        const changes = diffObjects(from, to);
        const id = (c: { kind: string; namespace: string; name: string }) => [c.kind, c.namespace, c.name].join('\0');
        expect(changes.map(id)).toEqual(changes.map(id).sort());
        const keys = new Set(from.map((x) => id({ kind: x.kind, namespace: x.metadata.namespace ?? '', name: x.metadata.name })));
        for (const c of changes) {
          if (c.change === 'ADDED') keys.add(id(c));
          if (c.change === 'DELETED') keys.delete(id(c));
        }
        expect([...keys].sort()).toEqual(to.map((x) => id({ kind: x.kind, namespace: x.metadata.namespace ?? '', name: x.metadata.name })).sort());
      }),
      { numRuns: 200 },
    );
  });
});
