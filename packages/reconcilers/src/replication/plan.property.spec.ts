import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod, Stored } from '@wharf/model';
import { podFixture, rcFixture } from './fixtures.js';
import { slotName } from './names.js';
import { isEmptyPlan, planReplication, type ReplicationPlan } from './plan.js';
import { controllerOf, isActive, selects } from './pods.js';

const now = Date.parse('2024-01-01T01:00:00Z');
const slot = (i: number) => slotName('web', 'rc-uid', i);

const podArb = fc.record({
  name: fc.oneof(fc.integer({ min: 0, max: 10 }).map(slot), fc.constantFrom('x', 'y', 'z', 'seed')),
  owner: fc.constantFrom<string | undefined>('rc-uid', 'rc-uid', 'other-uid', undefined),
  match: fc.boolean(),
  phase: fc.constantFrom('Pending', 'Running', 'Running', 'Succeeded', 'Failed') as fc.Arbitrary<'Pending' | 'Running' | 'Succeeded' | 'Failed'>,
  ready: fc.boolean(),
  terminating: fc.boolean(),
  bound: fc.boolean(),
  claimed: fc.boolean(),
});

const worldArb = fc.record({ replicas: fc.integer({ min: 0, max: 8 }), pods: fc.uniqueArray(podArb, { selector: (p) => p.name, maxLength: 14 }) });

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function build(w: World) {
  const pods = w.pods.map((p) => podFixture(p.name, { owner: p.owner, labels: { app: p.match ? 'web' : 'other' }, phase: p.phase, ready: p.ready, terminating: p.terminating, node: p.bound ? 'node-a' : '' }));
  const rc = rcFixture(w.replicas, { deletingPods: w.pods.filter((p) => p.claimed).map((p) => `uid-${p.name}`) });
  return { rc, pods };
}

/** Replicas as the plan counts them: active, matching, owned or adoptable, not claimed. */
function counted(plan: ReplicationPlan, pods: Stored<Pod>[], claimed: Set<string>): number {
  return pods.filter((p) => {
    const ref = controllerOf(p);
    const mine = ref?.uid === 'rc-uid' || plan.adopt.includes(p);
    return mine && selects({ app: 'web' }, p.metadata.labels) && isActive(p) && !claimed.has(p.metadata.uid!);
  }).length;
}

/** Applies a plan the way the reconciler and agents would: deletions of bound pods terminate, then go. */
function apply(rc: ReturnType<typeof rcFixture>, pods: Stored<Pod>[], plan: ReplicationPlan, round: number) {
  let next = pods.filter((p) => !p.metadata.deletionTimestamp); // agents finished last round's terminations
  const gone = new Set([...plan.claim, ...plan.delete].map((p) => p.metadata.uid));
  next = next.flatMap((p) => {
    if (gone.has(p.metadata.uid)) return p.spec.nodeName && isActive(p) ? [{ ...p, metadata: { ...p.metadata, deletionTimestamp: 'x' } }] : [];
    if (plan.adopt.includes(p)) return [podFixture(p.metadata.name, { phase: p.status!.phase as 'Running' })];
    if (plan.release.includes(p)) return [{ ...p, metadata: { ...p.metadata, ownerReferences: [] } }];
    return [p];
  });
  for (const n of plan.create) next.push({ ...podFixture(n, { phase: 'Pending', ready: false, node: '' }), metadata: { ...podFixture(n).metadata, uid: `uid-${n}-${round}` } });
  return { rc: plan.status ? { ...rc, status: plan.status } : rc, pods: next };
}

describe('planReplication properties', () => {
  it('never overshoots and never deletes below replicas; created names are free and distinct', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { rc, pods } = build(w);
        const plan = planReplication({ rc, pods, now });
        const have = counted(plan, pods, new Set(rc.status!.deletingPods));
        const names = new Set(pods.map((p) => p.metadata.name));
        expect(new Set(plan.create).size).toBe(plan.create.length);
        for (const n of plan.create) expect(names.has(n)).toBe(false);
        if (have <= w.replicas) {
          expect(plan.claim).toEqual([]);
          expect(have + plan.create.length).toBeLessThanOrEqual(w.replicas);
        } else {
          expect(plan.create).toEqual([]);
          expect(have - plan.claim.length).toBe(w.replicas);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('applied again and again, converges to exactly `replicas` active pods and an empty plan', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        let { rc, pods } = build(w);
        let plan = planReplication({ rc, pods, now });
        for (let round = 0; round < 8 && !isEmptyPlan(plan); round++) {
          ({ rc, pods } = apply(rc, pods, plan, round));
          plan = planReplication({ rc, pods, now });
        }
        pods = pods.filter((p) => !p.metadata.deletionTimestamp);
        plan = planReplication({ rc, pods, now });
        if (!isEmptyPlan(plan)) ({ rc, pods } = apply(rc, pods, plan, 99));
        const mine = pods.filter((p) => controllerOf(p)?.uid === 'rc-uid' && isActive(p));
        expect(mine.length).toBe(w.replicas);
        expect(isEmptyPlan(planReplication({ rc, pods, now }))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
