import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from './events.js';
import { emptyState, evolve, foldLatest, getObject, listObjects, stateOf } from './state.js';

const node = (name: string, seq: number, change: 'Created' | 'Replaced' | 'Deleted' = 'Created'): LoggedEvent => ({
  seq,
  subject: `Node._.${name}`,
  type: `Node${change}`,
  metadata: { actor: 'x', time: new Date(1_700_000_000_000 + seq).toISOString() },
  data: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
});

describe('objects named like members of Object.prototype', () => {
  it('given no such object, finds none: an inherited member is not an object', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(getObject(emptyState(), 'Node', undefined, name)).toBeUndefined();
  });

  it('given a Node named "constructor", creates, counts and deletes it like any other', () => {
    const created = evolve(emptyState(), [node('constructor', 1)]);
    expect(created.changes.map((c) => c.type)).toEqual(['ADDED']);
    expect(created.state.counts.Node).toBe(1);
    expect(getObject(created.state, 'Node', undefined, 'constructor')?.metadata.name).toBe('constructor');
    const deleted = evolve(created.state, [node('constructor', 2, 'Deleted')]);
    expect(deleted.state.counts.Node).toBe(0);
    expect(foldLatest(emptyState(), [node('constructor', 1)], 1).counts.Node).toBe(1);
    expect(stateOf(1, [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'constructor' } }]).counts.Node).toBe(1);
  });

  it('given an event of a kind named like an inherited member, skips it', () => {
    const odd = { ...node('a', 1), data: { apiVersion: 'v1', kind: 'constructor', metadata: { name: 'a' } } };
    expect(evolve(emptyState(), [odd]).changes).toEqual([]);
    expect(listObjects(foldLatest(emptyState(), [odd], 1), 'Node')).toEqual([]);
    expect(stateOf(1, [odd.data]).counts).toEqual(emptyState().counts);
  });
});
