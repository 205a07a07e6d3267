import { describe, expect, it } from 'vitest';
import { podFixture as pod, rcFixture as rc } from './fixtures.js';
import { slotName } from './names.js';
import { planReplication } from './plan.js';

const now = Date.parse('2024-01-01T01:00:00Z');

describe('planReplication', () => {
  it('given no pods, creates the first `replicas` slot names', () => {
    const p = planReplication({ rc: rc(3), pods: [], now });
    expect(p.create).toEqual([0, 1, 2].map((i) => slotName('web', 'rc-uid', i)));
    expect(p.claim).toEqual([]);
  });

  it('given a matching orphan (the seed pod created before its rc), adopts it and creates one fewer', () => {
    const orphan = pod('microservice1', { owner: undefined });
    const p = planReplication({ rc: rc(5), pods: [orphan], now });
    expect(p.adopt.map((x) => x.metadata.name)).toEqual(['microservice1']);
    expect(p.create).toHaveLength(4);
  });

  it('releases an owned pod whose labels stopped matching, and replaces it', () => {
    const p = planReplication({ rc: rc(1), pods: [pod(slotName('web', 'rc-uid', 0), { labels: { app: 'debug' } })], now });
    expect(p.release).toHaveLength(1);
    // The released pod keeps its name, so slot 0 is dead: the replacement takes slot 1.
    expect(p.create).toEqual([slotName('web', 'rc-uid', 1)]);
  });

  it('scales down Pending before Running, not-ready before ready, newest first', () => {
    const pods = [
      pod('a', { created: '2024-01-01T00:00:01Z' }),
      pod('b', { created: '2024-01-01T00:00:05Z' }),
      pod('c', { ready: false }),
      pod('d', { phase: 'Pending', ready: false }),
      pod('e', { node: '', phase: 'Pending', ready: false }),
    ];
    const p = planReplication({ rc: rc(1), pods, now });
    expect(p.claim.map((x) => x.metadata.name)).toEqual(['e', 'd', 'c', 'b']);
    expect(p.status?.deletingPods).toEqual(['uid-b', 'uid-c', 'uid-d', 'uid-e']);
  });

  it('given claims recorded by another instance, deletes those and chooses no others', () => {
    const pods = ['a', 'b', 'c'].map((n) => pod(n));
    const p = planReplication({ rc: rc(2, { deletingPods: ['uid-a'] }), pods, now });
    expect(p.claim).toEqual([]);
    expect(p.delete.map((x) => x.metadata.name)).toEqual(['a']);
  });

  it('replaces a terminating pod once its slot is free, and deletes a failed one to free its slot', () => {
    const s0 = slotName('web', 'rc-uid', 0);
    const s1 = slotName('web', 'rc-uid', 1);
    const p = planReplication({ rc: rc(2), pods: [pod(s0, { terminating: true }), pod(s1, { phase: 'Failed' })], now });
    expect(p.delete.map((x) => x.metadata.name)).toEqual([s1]);
    expect(p.blocked).toBe(2);
    expect(planReplication({ rc: rc(2), pods: [], now }).create).toEqual([s0, s1]);
  });

  it('writes status only when it changed, with ready and available counts and observedGeneration', () => {
    const pods = [pod('a'), pod('b', { ready: false })];
    const first = planReplication({ rc: rc(2), pods, now });
    expect(first.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
    expect(planReplication({ rc: { ...rc(2), status: first.status! }, pods, now }).status).toBeUndefined();
  });

  it('given a stored status with its keys in another order, writes no status', () => {
    const pods = [pod('a'), pod('b', { ready: false })];
    const status = planReplication({ rc: rc(2), pods, now }).status!;
    const reordered = Object.fromEntries(Object.entries(status).reverse()) as typeof status;
    expect(planReplication({ rc: { ...rc(2), status: reordered }, pods, now }).status).toBeUndefined();
  });

  it('given selector and template labels in another key order, counts the same replicas and creates none', () => {
    const r = rc(2);
    r.spec.selector = { tier: 'front', app: 'web' };
    r.spec.template!.metadata = { labels: { tier: 'front', app: 'web' } };
    const labels = { app: 'web', tier: 'front' };
    const p = planReplication({ rc: r, pods: [pod('a', { labels }), pod('b', { labels })], now });
    expect([p.create, p.release, p.claim]).toEqual([[], [], []]);
    expect(p.status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 2 });
  });

  it('does nothing but status for a controller being deleted', () => {
    const r = rc(3);
    r.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    const p = planReplication({ rc: r, pods: [pod('a', { owner: undefined })], now });
    expect([p.create, p.adopt, p.claim, p.delete]).toEqual([[], [], [], []]);
  });
});
