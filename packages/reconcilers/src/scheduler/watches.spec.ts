import { describe, expect, it } from 'vitest';
import { type Change, emptyState, evolve, type KObject, type LoggedEvent, type State } from '@wharf/model';
import { nodeWatch, podWatch } from './watches.js';
import { makeNode, makePod } from '@wharf/scheduler/testing';

let seq = 0;
function fold(state: State, type: string, o: unknown): { state: State; change: Change } {
  const e = { type, data: o as KObject, metadata: { actor: 't', time: '' }, seq: ++seq, subject: 's' } as LoggedEvent;
  const r = evolve(state, [e]);
  return { state: r.state, change: r.changes[0]! };
}

describe('scheduler watches', () => {
  it('enqueues a pending pod itself, and every pending pod when a bound pod goes away', () => {
    let s = emptyState();
    s = fold(s, 'PodCreated', makePod('waiting')).state;
    const created = fold(s, 'PodCreated', makePod('busy', { nodeName: 'n' }));
    expect(podWatch()(created.change, created.state)).toBeUndefined();
    const fresh = fold(created.state, 'PodCreated', makePod('new'));
    expect(podWatch()(fresh.change, fresh.state)).toEqual(['Pod/default/new']);
    const gone = fold(fresh.state, 'PodDeleted', makePod('busy', { nodeName: 'n' }));
    expect(podWatch()(gone.change, gone.state)).toEqual(['Pod/default/new', 'Pod/default/waiting']);
  });

  it('ignores node changes that do not matter to scheduling', () => {
    let s = emptyState();
    s = fold(s, 'PodCreated', makePod('waiting')).state;
    const added = fold(s, 'NodeRegistered', makeNode('n'));
    expect(nodeWatch()(added.change, added.state)).toEqual(['Pod/default/waiting']);
    const addresses = fold(added.state, 'NodeStatusUpdated', { ...makeNode('n'), status: { ...makeNode('n').status, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
    expect(nodeWatch()(addresses.change, addresses.state)).toBeUndefined();
    const reordered = fold(addresses.state, 'NodeStatusUpdated', { ...addresses.change.object, metadata: { labels: { zone: 'a', 'kubernetes.io/hostname': 'n' }, name: 'n' } });
    expect(nodeWatch()(reordered.change, reordered.state)).toEqual(['Pod/default/waiting']);
    const same = fold(reordered.state, 'NodeStatusUpdated', { ...reordered.change.object, metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n', zone: 'a' } } });
    expect(nodeWatch()(same.change, same.state)).toBeUndefined();
    const cordoned = fold(same.state, 'NodeCordoned', makeNode('n', { unschedulable: true }));
    expect(nodeWatch()(cordoned.change, cordoned.state)).toEqual(['Pod/default/waiting']);
  });
});
