import { describe, expect, it } from 'vitest';
import type { Node, Pod, Stored } from '@wharf/model';
import { podFixture } from '../replication/fixtures.js';
import { planLifecycle, UNREACHABLE_TAINT_KEY } from './plan.js';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const node = (ready: 'True' | 'False' | 'Unknown', tainted = false, since = t0): Stored<Node> => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: tainted ? { taints: [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: new Date(since).toISOString() }] } : {},
  status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: new Date(since).toISOString() }] },
});
const pods: Stored<Pod>[] = [];
const base = { graceMs: 10_000, evictionMs: 20_000, pods };

describe('planLifecycle', () => {
  it('given a fresh heartbeat on a Ready node, writes nothing and looks again when the grace ends', () => {
    const p = planLifecycle({ ...base, node: node('True'), lastSeen: t0, now: t0 + 4000 });
    expect(p).toEqual({ evict: [], requeueAfterMs: 6010 });
  });

  it('given a fresh heartbeat on a node its agent reports not Ready (NetworkNotReady), keeps the agent\'s condition and removes only the taint', () => {
    expect(planLifecycle({ ...base, node: node('False'), lastSeen: t0, now: t0 + 4000 })).toEqual({ evict: [], requeueAfterMs: 6010 });
    const p = planLifecycle({ ...base, node: node('False', true), lastSeen: t0, now: t0 + 4000 });
    expect(p.node!.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
    expect(p.node!.spec!.taints).toBeUndefined();
  });

  it('given no heartbeat for longer than the grace period, marks the node Unknown and taints it NoExecute', () => {
    const p = planLifecycle({ ...base, node: node('True'), lastSeen: t0, now: t0 + 10_001 });
    const ready = p.node!.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(p.node!.spec!.taints).toEqual([expect.objectContaining({ key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute' })]);
    expect(p.requeueAfterMs).toBe(20_000);
  });

  it('evicts the pods that do not tolerate the taint once the eviction timeout passed', () => {
    const tolerant = { ...podFixture('t'), spec: { ...podFixture('t').spec, tolerations: [{ key: UNREACHABLE_TAINT_KEY, operator: 'Exists' as const, effect: 'NoExecute' as const }] } };
    const pods = [podFixture('a'), tolerant];
    expect(planLifecycle({ ...base, pods, node: node('Unknown', true, t0), lastSeen: t0 - 10_000, now: t0 + 19_000 }).evict).toEqual([]);
    const p = planLifecycle({ ...base, pods, node: node('Unknown', true, t0), lastSeen: t0 - 10_000, now: t0 + 20_000 });
    expect(p.evict.map((x) => x.metadata.name)).toEqual(['a']);
  });

  it('given a fresh heartbeat again, makes the node Ready and removes the taint', () => {
    const p = planLifecycle({ ...base, node: node('Unknown', true), lastSeen: t0 + 30_000, now: t0 + 30_100 });
    expect(p.node!.status!.conditions![0]).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(p.node!.spec!.taints).toBeUndefined();
  });

  it('given a silence it could not observe, neither calls the node unreachable nor makes it Ready until the grace after it ends', () => {
    // Ready, not heard for 30 s, but the heartbeats could not be heard until 2 s ago: nothing yet.
    expect(planLifecycle({ ...base, node: node('True'), lastSeen: t0, unobservedUntil: t0 + 28_000, now: t0 + 30_000 })).toEqual({ evict: [], requeueAfterMs: 8010 });
    // Unknown and tainted (really gone): it stays so, and its pods are not evicted meanwhile.
    const pods = [podFixture('a')];
    expect(planLifecycle({ ...base, pods, node: node('Unknown', true, t0), lastSeen: t0 - 10_000, unobservedUntil: t0 + 28_000, now: t0 + 30_000 })).toEqual({ evict: [], requeueAfterMs: 8010 });
    // Once the grace after it has passed, silence is news again.
    expect(planLifecycle({ ...base, node: node('True'), lastSeen: t0, unobservedUntil: t0 + 28_000, now: t0 + 38_011 }).node!.status!.conditions![0]).toMatchObject({ status: 'Unknown' });
    expect(planLifecycle({ ...base, pods, node: node('Unknown', true, t0), lastSeen: t0 - 10_000, unobservedUntil: t0 + 28_000, now: t0 + 38_011 }).evict.map((p) => p.metadata.name)).toEqual(['a']);
    // A heartbeat heard meanwhile counts as ever.
    expect(planLifecycle({ ...base, node: node('Unknown', true), lastSeen: t0 + 29_000, unobservedUntil: t0 + 28_000, now: t0 + 30_000 }).node!.status!.conditions![0]).toMatchObject({ status: 'True' });
  });
});
