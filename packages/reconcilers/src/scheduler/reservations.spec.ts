import { describe, expect, it } from 'vitest';
import { demandOf } from './demand.js';
import { makeNode, makePod } from './fixtures.js';
import { admit } from './reservations.js';

describe('admit', () => {
  const withUid = (uid: string) => {
    const p = makePod('web-1');
    return { ...p, metadata: { ...p.metadata, uid } };
  };

  it('rejects a pod already reserved on the node', () => {
    const d = demandOf(withUid('u1'));
    const a = admit(makeNode('n1'), { pods: { [d.key]: { demand: d, by: 'x', at: 0 } } }, [], [d]);
    expect(a.rejected).toEqual([d]);
  });

  it('admits a new pod (new uid) whose name a stale reservation still holds, as a replaced replica in a reused slot', () => {
    const old = demandOf(withUid('u1'));
    const d = demandOf(withUid('u2'));
    const a = admit(makeNode('n1'), { pods: { [old.key]: { demand: old, by: 'x', at: 0 } } }, [], [d]);
    expect(a.admitted).toEqual([d]);
  });
});
