import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INFRA, type Observed } from './labels.js';
import { plan, type Action, type DesiredPod } from './plan.js';
import { BACKOFF, input, inst, podOf } from './testing/fixtures.js';

const types = (a: Action[]) => a.map((x) => x.type);

describe('plan: a new pod', () => {
  it('given no containers, creates the infra container first, then the containers joining it, in one step', () => {
    const pod = podOf('p', ['a', 'b']);
    const first = plan(input({ pods: [{ pod }] })).pods[0]!;
    expect(first.actions).toEqual([
      { type: 'createInfra' },
      { type: 'createContainer', container: 'a', restartCount: 0, backoffStep: 0, infraId: '' },
      { type: 'createContainer', container: 'b', restartCount: 0, backoffStep: 0, infraId: '' },
    ]);
    expect(first.report).toBe(false);
    const second = plan(input({ pods: [{ pod }], containers: [inst('p', INFRA, { id: 'infra' })] })).pods[0]!;
    expect(second.actions).toEqual([
      { type: 'createContainer', container: 'a', restartCount: 0, backoffStep: 0, infraId: 'infra' },
      { type: 'createContainer', container: 'b', restartCount: 0, backoffStep: 0, infraId: 'infra' },
    ]);
  });

  it('given a pod of one container, creates that container alone, owning the network, and restarts it the same way', () => {
    const pod = podOf('p', ['a']);
    expect(plan(input({ pods: [{ pod }] })).pods[0]!.actions).toEqual([{ type: 'createContainer', container: 'a', restartCount: 0, backoffStep: 0, infraId: null }]);
    expect(plan(input({ pods: [{ pod }], containers: [inst('p', 'a')] })).pods[0]).toMatchObject({ actions: [], report: true });
    const dead = (o: Partial<Parameters<typeof inst>[2]> = {}) => inst('p', 'a', { running: false, exitCode: 1, finishedAt: 0, startedAt: 0, ...o });
    const r = plan(input({ pods: [{ pod }], containers: [dead({ id: 'a1', restartCount: 1 }), dead({ id: 'a0' })], now: 100_000 })).pods[0]!;
    expect(r.actions).toEqual([
      { type: 'createContainer', container: 'a', restartCount: 2, backoffStep: 1, infraId: null },
      { type: 'remove', id: 'a0' },
    ]);
  });

  it('given starts held (no pod network yet), creates nothing and reports the pod waiting; running pods and deletions go on', () => {
    const pod = podOf('p', ['a', 'b']);
    const held = plan(input({ pods: [{ pod }], startAllowed: false })).pods[0]!;
    expect(held).toMatchObject({ actions: [], report: true });
    expect(held.views.map((v) => v.state.kind)).toEqual(['creating', 'creating']);
    const running = plan(input({ pods: [{ pod }], containers: [inst('p', INFRA, { id: 'infra' }), inst('p', 'a'), inst('p', 'b')], startAllowed: false })).pods[0]!;
    expect(running).toMatchObject({ actions: [], report: true });
    const gone = plan(input({ pods: [], containers: [inst('q', 'a', { id: 'qa' })], startAllowed: false })).pods[0]!;
    expect(types(gone.actions)).toEqual(['stop', 'remove', 'cleanup']);
  });

  it('given a pod of one container that completed, has nothing to stop (no infra container holds its ports)', () => {
    const pod = podOf('p', ['a'], { restartPolicy: 'Never' });
    const r = plan(input({ pods: [{ pod }], containers: [inst('p', 'a', { running: false, exitCode: 0 })] }));
    expect(r.pods[0]).toMatchObject({ actions: [], report: true });
  });

  it('given everything running, does nothing but report status (adoption after a restart)', () => {
    const pod = podOf('p', ['a']);
    const r = plan(input({ pods: [{ pod }], containers: [inst('p', INFRA), inst('p', 'a', { restartCount: 4 })] }));
    expect(r.pods[0]).toMatchObject({ actions: [], report: true });
    expect(r.wakeAt).toBeUndefined();
  });
});

describe('plan: restarts', () => {
  const dead = (o: Partial<Parameters<typeof inst>[2]> = {}) => inst('p', 'a', { running: false, exitCode: 1, startedAt: 90_000, finishedAt: 99_500, ...o });

  it('given a crashed container inside its back-off, waits (CrashLoopBackOff) and wakes when it expires', () => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA), dead({ step: 1 })] }));
    expect(r.pods[0]!.actions).toEqual([]);
    expect(r.pods[0]!.views[0]!.state).toEqual({ kind: 'backoff', until: 100_500, delayMs: 1000, nextStep: 2 });
    expect(r.wakeAt).toBe(100_500);
  });

  it('given the back-off expired, restarts with restartCount + 1 and the next step', () => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA, { id: 'i' }), dead({ step: 1, restartCount: 2 })], now: 102_000 }));
    expect(r.pods[0]!.actions).toEqual([{ type: 'createContainer', container: 'a', restartCount: 3, backoffStep: 2, infraId: 'i' }]);
  });

  it('given a running container and a newer one that never started (an apply cut short by a kill), removes the newer one and keeps the running one', () => {
    const leftover = inst('p', 'a', { id: 'leftover', running: false, startedAt: 99_000 });
    delete leftover.info.startedAt;
    delete leftover.info.finishedAt;
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA), inst('p', 'a', { id: 'serving', startedAt: 50_000 }), leftover] }));
    expect(r.pods[0]!.actions).toEqual([{ type: 'remove', id: 'leftover' }]);
    expect(r.pods[0]!.views[0]!.current?.id).toBe('serving');
  });

  it('keeps the current and previous instances, removes older ones', () => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA), inst('p', 'a', { restartCount: 3 }), dead({ restartCount: 2, id: 'two' }), dead({ restartCount: 1, id: 'one' })] }));
    expect(r.pods[0]!.actions).toEqual([{ type: 'remove', id: 'one' }]);
  });

  it.each([
    ['Never', 1, 'terminated'],
    ['Never', 0, 'terminated'],
    ['OnFailure', 0, 'terminated'],
    ['OnFailure', 1, 'backoff'],
    ['Always', 0, 'backoff'],
  ] as const)('restartPolicy %s, exit %i (after a first restart) → %s', (policy, exitCode, kind) => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a'], { restartPolicy: policy }) }], containers: [inst('p', INFRA), dead({ exitCode, step: 1 })] }));
    expect(r.pods[0]!.views[0]!.state.kind).toBe(kind);
  });

  it('restarts a container that failed for the first time at once, as the kubelet does', () => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA), dead({ exitCode: 137 })] }));
    expect(r.pods[0]!.views[0]!.state.kind).toBe('restart');
  });

  it('given a completed pod, stops its infra container to free the ports and keeps the rest', () => {
    const r = plan(input({ pods: [{ pod: podOf('p', ['a'], { restartPolicy: 'Never' }) }], containers: [inst('p', INFRA, { id: 'i' }), dead()] }));
    expect(r.pods[0]!.actions).toEqual([{ type: 'stop', id: 'i', graceSeconds: 2 }]);
  });

  it('given a completed pod whose containers are gone, does not run it again', () => {
    const pod = podOf('p', ['a'], { restartPolicy: 'Never' });
    const status = { containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', containerID: 'docker://old', state: { terminated: { exitCode: 0 } } }] };
    const r = plan(input({ pods: [{ pod, status }] }));
    expect(r.pods[0]!.actions).toEqual([]);
    expect(r.pods[0]!.views[0]!.state.kind).toBe('done');
  });

  it('given a dead infra container, stops the running containers and builds a new sandbox after the back-off', () => {
    const containers = [inst('p', INFRA, { id: 'i', running: false, finishedAt: 95_000 }), inst('p', 'a', { id: 'a0' })];
    const r = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers }));
    expect(r.pods[0]!.actions).toEqual([{ type: 'stop', id: 'a0', graceSeconds: 30 }, { type: 'remove', id: 'i' }, { type: 'createInfra' }]);
    const early = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers, now: 95_500 }));
    expect(types(early.pods[0]!.actions)).toEqual(['stop', 'remove']);
    expect(early.wakeAt).toBe(96_000);
  });
});

describe('plan: pull failures', () => {
  it('waits out the pull back-off, then tries again', () => {
    const failures = new Map([['uid-p/a', { reason: 'ErrImagePull' as const, count: 2, at: 99_000, message: 'no', shown: true }]]);
    const wait = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA, { id: 'i' })], failures }));
    expect(wait.pods[0]!.actions).toEqual([]);
    expect(wait.wakeAt).toBe(101_000);
    const retry = plan(input({ pods: [{ pod: podOf('p', ['a']) }], containers: [inst('p', INFRA, { id: 'i' })], failures, now: 101_000 }));
    expect(types(retry.pods[0]!.actions)).toEqual(['createContainer']);
  });
});

describe('plan: deletion and orphans', () => {
  it('given a pod being deleted, stops its app containers with its grace period, removes them and the infra container, then appends PodDeleted', () => {
    const pod = podOf('p', ['a'], { terminationGracePeriodSeconds: 7 });
    pod.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const r = plan(input({ pods: [{ pod }], containers: [inst('p', INFRA, { id: 'i' }), inst('p', 'a', { id: 'a0' })] }));
    expect(r.pods[0]!.actions).toEqual([
      { type: 'stop', id: 'a0', graceSeconds: 7 },
      { type: 'remove', id: 'i' },
      { type: 'remove', id: 'a0' },
      { type: 'cleanup', volumes: false },
      { type: 'finalize' },
    ]);
    expect(plan(input({ pods: [{ pod }], finalized: new Set(['uid-p']) })).pods[0]!.actions).toEqual([]);
    // Only a pod with a memory-backed emptyDir has Docker volumes to remove.
    pod.spec.volumes = [{ name: 'm', emptyDir: { medium: 'Memory' } }];
    expect(plan(input({ pods: [{ pod }] })).pods[0]!.actions).toContainEqual({ type: 'cleanup', volumes: true });
  });

  it('given a closed stop gate, holds back the stop of running apps and wakes when the gate says; an open gate gives its grace period', () => {
    const pod = podOf('p', ['a'], { terminationGracePeriodSeconds: 30 });
    pod.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const containers = [inst('p', 'a', { id: 'a0' })];
    const closed = plan(input({ pods: [{ pod }], containers, gates: new Map([['uid-p', { open: false, until: 115_000, waitingFor: 'the endpoints controller' }]]) }));
    expect(closed.pods[0]!.actions).toEqual([]);
    expect(closed.wakeAt).toBe(115_000);
    const open = plan(input({ pods: [{ pod }], containers, gates: new Map([['uid-p', { open: true, graceSeconds: 17, timedOut: false }]]) }));
    expect(open.pods[0]!.actions[0]).toEqual({ type: 'stop', id: 'a0', graceSeconds: 17 });
    // Nothing running: nothing a proxy could still send a request to, so nothing waits.
    const exited = plan(input({ pods: [{ pod }], containers: [inst('p', 'a', { id: 'a0', running: false })], gates: new Map([['uid-p', { open: false, until: 115_000, waitingFor: 'x' }]]) }));
    expect(types(exited.pods[0]!.actions)).toEqual(['remove', 'cleanup', 'finalize']);
  });

  it('removes containers of pods no longer bound here, but only once the feed is synced', () => {
    const containers = [inst('gone', INFRA, { id: 'i' }), inst('gone', 'a', { id: 'a0' })];
    expect(plan(input({ containers, feedSynced: false })).pods).toEqual([]);
    const r = plan(input({ containers }));
    expect(r.pods[0]).toMatchObject({ uid: 'uid-gone', report: false });
    expect(types(r.pods[0]!.actions)).toEqual(['stop', 'remove', 'remove', 'cleanup']);
    expect(r.pods[0]!.actions).toContainEqual({ type: 'cleanup', volumes: true });
  });

  it('treats a same-named pod with a new uid as a new pod', () => {
    const old = inst('p', 'a', { id: 'old' });
    const pod = podOf('p', ['a']);
    pod.metadata.uid = 'uid-new';
    const r = plan(input({ pods: [{ pod }], containers: [old] }));
    expect(r.pods.find((p) => p.uid === 'uid-p')!.actions).toContainEqual({ type: 'remove', id: 'old' });
    expect(r.pods.find((p) => p.uid === 'uid-new')!.actions).toEqual([{ type: 'createContainer', container: 'a', restartCount: 0, backoffStep: 0, infraId: null }]);
  });
});

describe('plan: properties', () => {
  const names = ['p0', 'p1', 'p2', 'p3'];
  const arbContainer = fc.record({
    pod: fc.constantFrom(...names),
    container: fc.constantFrom(INFRA, 'a', 'b'),
    running: fc.boolean(),
    exitCode: fc.constantFrom(0, 1, 137),
    restartCount: fc.integer({ min: 0, max: 5 }),
    step: fc.integer({ min: 0, max: 6 }),
    finishedAt: fc.integer({ min: 0, max: 200_000 }),
  });
  const arbInput = fc.record({
    bound: fc.subarray(names),
    /** Pods of one container ('a'); the others have two. */
    solo: fc.subarray(names),
    deleting: fc.subarray(names),
    policy: fc.constantFrom('Always', 'OnFailure', 'Never') as fc.Arbitrary<'Always' | 'OnFailure' | 'Never'>,
    containers: fc.uniqueArray(arbContainer, { selector: (c) => `${c.pod}/${c.container}/${c.restartCount}`, maxLength: 14 }),
    feedSynced: fc.boolean(),
    now: fc.integer({ min: 0, max: 400_000 }),
  });
  type Generated = typeof arbInput extends fc.Arbitrary<infer T> ? T : never;
  const build = (x: Generated) => {
    const pods: DesiredPod[] = x.bound.map((n) => {
      const pod = podOf(n, x.solo.includes(n) ? ['a'] : ['a', 'b'], { restartPolicy: x.policy });
      if (x.deleting.includes(n)) pod.metadata.deletionTimestamp = 'now';
      return { pod };
    });
    const containers: Observed[] = x.containers.map((c) => inst(c.pod, c.container, { ...c, id: `${c.pod}/${c.container}/${c.restartCount}`, finishedAt: Math.min(c.finishedAt, x.now), startedAt: 0 }));
    return input({ pods, containers, feedSynced: x.feedSynced, now: x.now, backoff: BACKOFF });
  };

  it('is deterministic, and only stops running containers and removes existing ones', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const inp = build(x);
        const r = plan(inp);
        expect(plan(inp)).toEqual(r);
        const byId = new Map(inp.containers.map((c) => [c.id, c]));
        for (const p of r.pods) {
          for (const a of p.actions) {
            if (a.type === 'stop') expect(byId.get(a.id)?.info.running).toBe(true);
            if (a.type === 'remove') expect(byId.has(a.id)).toBe(true);
            if (a.type !== 'createContainer') continue;
            // A container joins a running infra container, or the one created earlier in the same
            // plan, or owns the network: then it is the only container of a pod without an infra container.
            const mine = inp.containers.filter((c) => c.podUid === p.uid);
            if (a.infraId === null) {
              expect(p.pod!.spec.containers.map((c) => c.name)).toEqual([a.container]);
              expect(mine.filter((c) => c.container === INFRA)).toEqual([]);
            } else if (a.infraId === '') expect(p.actions.slice(0, p.actions.indexOf(a))).toContainEqual({ type: 'createInfra' });
            else expect(byId.get(a.infraId)).toMatchObject({ container: INFRA, podUid: p.uid, info: { running: true } });
          }
          const removed = p.actions.filter((a) => a.type === 'remove').map((a) => a.id);
          expect(new Set(removed).size).toBe(removed.length);
        }
      }),
    );
  });

  it('never touches containers of unknown pods before the feed is synced, and removes all of them after', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const inp = build(x);
        const bound = new Set(x.bound.map((n) => `uid-${n}`));
        const r = plan(inp);
        const orphans = inp.containers.filter((c) => !bound.has(c.podUid));
        const touched = new Set(r.pods.filter((p) => !bound.has(p.uid)).flatMap((p) => p.actions.flatMap((a) => ('id' in a ? [a.id] : []))));
        if (!inp.feedSynced) expect(touched.size).toBe(0);
        else for (const o of orphans) expect(touched.has(o.id)).toBe(true);
      }),
    );
  });

  it('never stops a running container of a live pod whose sandbox runs (or that is its sandbox), unless it is a stale instance', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const inp = build(x);
        const r = plan(inp);
        for (const p of r.pods) {
          if (!p.pod || p.pod.metadata.deletionTimestamp) continue;
          const mine = inp.containers.filter((c) => c.podUid === p.uid);
          const infras = mine.filter((c) => c.container === INFRA).sort((a, b) => b.restartCount - a.restartCount);
          const solo = p.pod.spec.containers.length === 1 && infras.length === 0;
          if (!solo && !infras[0]?.info.running) continue;
          const newest = new Map<string, Observed>();
          const named = new Set(p.pod.spec.containers.map((c) => c.name));
          for (const c of mine) if (named.has(c.container) && (!newest.has(c.container) || newest.get(c.container)!.restartCount < c.restartCount)) newest.set(c.container, c);
          for (const c of newest.values()) if (c.info.running) expect(p.actions).not.toContainEqual(expect.objectContaining({ id: c.id }));
        }
      }),
    );
  });

  it('ends a deleted pod with finalize after removing every one of its containers', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const inp = build(x);
        for (const p of plan(inp).pods) {
          if (!p.pod?.metadata.deletionTimestamp) continue;
          expect(p.actions.at(-1)).toEqual({ type: 'finalize' });
          const ids = inp.containers.filter((c) => c.podUid === p.uid).map((c) => c.id);
          for (const id of ids) expect(p.actions).toContainEqual({ type: 'remove', id });
        }
      }),
    );
  });
});
