import { describe, expect, it } from 'vitest';
import { demandOf } from './demand.js';
import { makeNode, makePod } from './fixtures.js';
import { admit, emptyLedger, staleReservations, type NodeLedger } from './reservations.js';

const reserve = (name: string, at: number, cpu = '500m'): NodeLedger['pods'][string] => ({ demand: demandOf(makePod(name, { cpu })), by: 'a', at });

describe('admit', () => {
  it('given a ledger holding most of the node, admits only what still fits, in order', () => {
    const ledger: NodeLedger = { pods: { 'default/x': reserve('x', 0, '3') } };
    const wants = ['p1', 'p2', 'p3'].map((n) => demandOf(makePod(n, { cpu: '400m' })));
    const a = admit(makeNode('n', { cpu: '4' }), ledger, [], wants);
    expect(a.admitted.map((d) => d.key)).toEqual(['default/p1', 'default/p2']);
    expect(a.rejected.map((d) => d.key)).toEqual(['default/p3']);
  });
  it('counts a pod that is both bound and reserved once, and rejects a pod already reserved', () => {
    const x = makePod('x', { cpu: '2', nodeName: 'n' });
    const ledger: NodeLedger = { pods: { 'default/x': { demand: demandOf(x), by: 'a', at: 0 } } };
    const a = admit(makeNode('n', { cpu: '4' }), ledger, [x], [demandOf(makePod('y', { cpu: '2' })), demandOf(makePod('x', { cpu: '2' }))]);
    expect(a.admitted.map((d) => d.key)).toEqual(['default/y']);
    expect(a.rejected.map((d) => d.key)).toEqual(['default/x']);
  });
  it('admits nothing beyond the pod count', () => {
    const a = admit(makeNode('n', { pods: 1 }), emptyLedger(), [], [demandOf(makePod('a')), demandOf(makePod('b'))]);
    expect(a.admitted).toHaveLength(1);
  });
});

describe('staleReservations', () => {
  const ledger: NodeLedger = {
    pods: {
      'default/bound': reserve('bound', 0),
      'default/gone': reserve('gone', 0),
      'default/done': reserve('done', 0),
      'default/elsewhere': reserve('elsewhere', 0),
      'default/never': reserve('never', 0),
      'default/young': reserve('young', 9_000),
    },
  };
  const pods = new Map([
    ['default/bound', makePod('bound', { nodeName: 'n' })],
    ['default/done', makePod('done', { nodeName: 'n', phase: 'Succeeded' })],
    ['default/elsewhere', makePod('elsewhere', { nodeName: 'm' })],
    ['default/never', makePod('never')],
    ['default/young', makePod('young')],
  ]);
  it('drops reservations of pods gone, finished, bound elsewhere or never bound, after the grace period only', () => {
    expect(staleReservations('n', ledger, (k) => pods.get(k), 10_000, 5_000)).toEqual(['default/done', 'default/elsewhere', 'default/gone', 'default/never']);
  });
  it('drops a reservation whose pod was replaced by a new one with the same name', () => {
    const replaced = { ...makePod('bound', { nodeName: 'n' }), metadata: { name: 'bound', namespace: 'default', uid: 'other' } };
    expect(staleReservations('n', { pods: { 'default/bound': ledger.pods['default/bound']! } }, () => replaced, 10_000, 5_000)).toEqual(['default/bound']);
  });
});

describe('admit with reused names', () => {
  const withUid = (uid: string) => {
    const p = makePod('web-1');
    return { ...p, metadata: { ...p.metadata, uid } };
  };
  it('admits a new pod (new uid) whose name a stale reservation still holds, as a replaced replica in a reused slot', () => {
    const old = demandOf(withUid('u1'));
    const d = demandOf(withUid('u2'));
    expect(admit(makeNode('n1'), { pods: { [old.key]: { demand: old, by: 'x', at: 0 } } }, [], [d]).admitted).toEqual([d]);
  });
  it('still rejects the same pod reserved twice', () => {
    const d = demandOf(withUid('u1'));
    expect(admit(makeNode('n1'), { pods: { [d.key]: { demand: d, by: 'x', at: 0 } } }, [], [d]).rejected).toEqual([d]);
  });
});
