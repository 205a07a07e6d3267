import { describe, expect, it } from 'vitest';
import { WharfError } from '@wharf/model';
import { applyPatch, assertUniqueMembers, jsonPatch, strategicMergePatch } from './patch.js';

type Json = unknown;

/** The HTTP code a patch fails with, or 'ok'. */
function outcome(doc: Json, ops: Json): number | 'ok' {
  try {
    jsonPatch(doc, ops);
    return 'ok';
  } catch (e) {
    if (e instanceof WharfError) return e.code;
    throw e;
  }
}

describe('jsonPatch: what the hand-written version got wrong', () => {
  const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };

  it('refuses to remove a non-numeric array index rather than removing the first item', () => {
    expect(outcome(pod, [{ op: 'remove', path: '/spec/containers/foo' }])).toBe(422);
  });

  it('refuses to add past the end of an array rather than appending', () => {
    expect(outcome(pod, [{ op: 'add', path: '/spec/containers/5', value: { name: 'c' } }])).toBe(422);
  });

  it('refuses to replace past the end of an array rather than padding it with nulls', () => {
    expect(outcome(pod, [{ op: 'replace', path: '/spec/containers/5', value: { name: 'c' } }])).toBe(422);
  });

  it('compares objects in a test by meaning, not by key order', () => {
    expect(jsonPatch({ a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }])).toEqual({ a: { x: 1, y: 2 } });
  });
});

// RFC 6902 Appendix A, example by example.
describe('jsonPatch: RFC 6902 Appendix A', () => {
  it('A.1 adds an object member', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ baz: 'qux', foo: 'bar' });
  });

  it('A.2 adds an array element', () => {
    expect(jsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
  });

  it('A.3 removes an object member', () => {
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
  });

  it('A.4 removes an array element', () => {
    expect(jsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({ foo: ['bar', 'baz'] });
  });

  it('A.5 replaces a value', () => {
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
  });

  it('A.6 moves a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    expect(jsonPatch(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({ foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } });
  });

  it('A.7 moves an array element', () => {
    expect(jsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({ foo: ['all', 'cows', 'eat', 'grass'] });
  });

  it('A.8 passes a test that holds', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    const ops = [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ];
    expect(jsonPatch(doc, ops)).toEqual(doc);
  });

  it('A.9 fails a test that does not hold with 422', () => {
    expect(outcome({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }])).toBe(422);
  });

  it('A.10 adds a nested member object', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({ foo: 'bar', child: { grandchild: {} } });
  });

  it('A.11 ignores unrecognized members of an operation', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }])).toEqual({ foo: 'bar', baz: 'qux' });
  });

  it('A.12 fails to add to a nonexistent target with 422', () => {
    expect(outcome({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toBe(422);
  });

  it('A.13 rejects an operation that names a member twice with 400', () => {
    const ambiguous = '[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]';
    expect(() => assertUniqueMembers(ambiguous)).toThrow(expect.objectContaining({ code: 400, message: expect.stringContaining('"op"') }));
    expect(() => assertUniqueMembers('[{ "op": "add", "path": "/baz", "value": { "op": "remove" } }]')).not.toThrow();
  });

  it('A.14 unescapes ~01 as ~1, not as /', () => {
    expect(jsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }])).toEqual({ '/': 9, '~1': 10 });
  });

  it('A.15 does not equate a string with a number in a test', () => {
    expect(outcome({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).toBe(422);
  });

  it('A.16 adds an array as a single value', () => {
    expect(jsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({ foo: ['bar', ['abc', 'def']] });
  });
});

describe('jsonPatch: errors', () => {
  it.each<[string, Json]>([
    ['a document that is not an array', { op: 'add', path: '/a', value: 1 }],
    ['an operation that is not an object', [1]],
    ['an unknown op', [{ op: 'frob', path: '/a' }]],
    ['an op named after an Object.prototype member', [{ op: 'toString', path: '/a' }]],
    ['a missing path', [{ op: 'add', value: 1 }]],
    ['a path that is not a JSON pointer', [{ op: 'remove', path: 'a' }]],
    ['an add without a value', [{ op: 'add', path: '/b' }]],
    ['a copy without from', [{ op: 'copy', path: '/b' }]],
    ['a from that is not a JSON pointer', [{ op: 'copy', from: 'a', path: '/b' }]],
  ])('answers 400 for %s', (_, ops) => {
    expect(outcome({ a: 1 }, ops)).toBe(400);
  });

  it.each<[string, Json, Json]>([
    ['a replace of a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]],
    ['a remove of a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['a move from a missing member', { a: 1 }, [{ op: 'move', from: '/b', path: '/c' }]],
    ['a move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }]],
    ['a negative array index', { a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 0 }]],
    ['a remove of "-"', { a: [1] }, [{ op: 'remove', path: '/a/-' }]],
    ['a path through a string', { a: 'abc' }, [{ op: 'add', path: '/a/0', value: 'x' }]],
    ['a copy past the end of an array', { a: [1, 2] }, [{ op: 'copy', from: '/a/0', path: '/a/10' }]],
    ['a move past the end of an array once the value has left it', { a: [1, 2, 3, 4] }, [{ op: 'move', from: '/a/1', path: '/a/4' }]],
  ])('answers 422 for %s', (_, doc, ops) => {
    expect(outcome(doc, ops)).toBe(422);
  });

  it('reports a failure as a Status with reason Invalid', () => {
    try {
      jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]);
      expect.unreachable();
    } catch (e) {
      expect((e as WharfError).toStatus()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message: expect.stringContaining('/b') });
    }
  });

  it('applies all operations or none, and leaves its input alone', () => {
    const doc = { a: 1, list: [1, 2] };
    expect(outcome(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'remove', path: '/list/0' }, { op: 'test', path: '/a', value: 2 }])).toBe(422);
    expect(jsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }])).toEqual({ a: 1, b: 2, list: [1, 2] });
    expect(doc).toEqual({ a: 1, list: [1, 2] });
  });

  it('leaves the patch alone, so a retry applies it the same way', () => {
    const ops = [
      { op: 'add', path: '/x', value: [] },
      { op: 'add', path: '/x/-', value: 1 },
      { op: 'copy', from: '/x', path: '/y' },
      { op: 'add', path: '/y/-', value: 2 },
    ];
    const before = structuredClone(ops);
    expect(jsonPatch({}, ops)).toEqual({ x: [1], y: [1, 2] });
    expect(jsonPatch({}, ops)).toEqual({ x: [1], y: [1, 2] });
    expect(ops).toEqual(before);
  });

  it('moves a value onto itself as a no-op', () => {
    expect(jsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: { b: 1 } });
  });

  it('refuses to remove the whole document, and to reach below a document made a scalar, with 422', () => {
    expect(outcome({ a: 1 }, [{ op: 'remove', path: '' }])).toBe(422);
    expect(outcome({ a: 1 }, [{ op: 'remove', path: '' }, { op: 'add', path: '/a', value: 1 }])).toBe(422);
    expect(outcome({ a: 1 }, [{ op: 'replace', path: '', value: null }, { op: 'add', path: '/x', value: 1 }])).toBe(422);
    expect(outcome({ a: 1 }, [{ op: 'add', path: '', value: 5 }, { op: 'copy', from: '/a', path: '/b' }])).toBe(422);
  });

  it('replaces the whole document at the empty path', () => {
    expect(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });
});

describe('jsonPatch: prototype pollution', () => {
  it.each([
    [{ op: 'add', path: '/__proto__/polluted', value: true }],
    [{ op: 'add', path: '/__proto__', value: { polluted: true } }],
    [{ op: 'add', path: '/constructor/prototype/polluted', value: true }],
    [{ op: 'add', path: '/a/constructor/polluted', value: true }],
    [{ op: 'replace', path: '/a/prototype', value: true }],
    [{ op: 'copy', from: '/a/constructor', path: '/b' }],
    [{ op: 'remove', path: '/a/toString' }],
  ])('refuses %j with 400', (op) => {
    expect(outcome({ a: {} }, [op])).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still reaches members whose escaped names only contain those words', () => {
    const doc = { metadata: { labels: {} } };
    expect(jsonPatch(doc, [{ op: 'add', path: '/metadata/labels/example.com~1prototype', value: 'x' }])).toEqual({ metadata: { labels: { 'example.com/prototype': 'x' } } });
  });
});

describe('merge patches: prototype pollution', () => {
  it.each(['application/merge-patch+json', 'application/strategic-merge-patch+json'] as const)('%s refuses __proto__, constructor and prototype members at any depth with 400', (type) => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      for (const patch of [JSON.parse(`{"${key}":{"polluted":true}}`), JSON.parse(`{"metadata":{"labels":{"${key}":"x"}}}`), JSON.parse(`{"spec":{"containers":[{"name":"a","${key}":{"polluted":true}}]}}`)]) {
        expect(() => applyPatch(type, { metadata: {}, spec: { containers: [{ name: 'a' }] } }, patch)).toThrow(expect.objectContaining({ code: 400, message: expect.stringContaining(`has a field named "${key}"`) }));
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('merges a list named like an inherited member as a plain list', () => {
    expect(strategicMergePatch({ toString: [{ name: 'a' }] }, { toString: [{ name: 'b' }] })).toEqual({ toString: [{ name: 'b' }] });
  });
});

describe('applyPatch: the merge patches are unchanged', () => {
  const pod = { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] } };

  it('merge patch (RFC 7386) deletes with null and replaces lists whole', () => {
    const patch = { metadata: { labels: { tier: null } }, spec: { containers: [{ name: 'b', image: 'y:2' }] } };
    expect(applyPatch('application/merge-patch+json', pod, patch)).toEqual({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'b', image: 'y:2' }] } });
  });

  it('strategic merge patch merges containers by name', () => {
    const patch = { spec: { containers: [{ name: 'b', image: 'y:2' }] } };
    expect(applyPatch('application/strategic-merge-patch+json', pod, patch)).toEqual({ ...pod, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }] } });
  });

  it('strategic merge patch replaces taints and tolerations whole (atomic lists, as kubectl taint expects)', () => {
    // What `kubectl taint nodes n1 dedicated-` sends when n1 has dedicated and other: the list that stays.
    const node = { spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }, { key: 'other', value: 'y', effect: 'NoExecute' }] } };
    const smp = 'application/strategic-merge-patch+json';
    expect(applyPatch(smp, node, { spec: { taints: [{ effect: 'NoExecute', key: 'other', value: 'y' }] } })).toEqual({ spec: { taints: [{ effect: 'NoExecute', key: 'other', value: 'y' }] } });
    // One key, two effects: two taints, not one merged.
    expect(applyPatch(smp, node, { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }] } })).toEqual({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }] } });
    expect(applyPatch(smp, node, { spec: { taints: null } })).toEqual({ spec: {} });
    const tolerant = { spec: { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] } };
    expect(applyPatch(smp, tolerant, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } })).toEqual({ spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } });
  });

  it('dispatches a JSON patch to jsonPatch', () => {
    expect(applyPatch('application/json-patch+json', pod, [{ op: 'remove', path: '/metadata/labels/tier' }])).toEqual({ ...pod, metadata: { labels: { app: 'web' } } });
  });
});
