import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Taint } from '@wharf/model';
import { demandOf } from './demand.js';
import { filterReasons } from './filters.js';
import { makeNode, makePod } from './fixtures.js';
import { NodeInfo, isNodeReady } from './nodeinfo.js';
import { schedule } from './schedule.js';
import type { Assignment, Snapshot } from './types.js';

const taint = fc.record({ key: fc.constantFrom('a', 'b'), value: fc.constantFrom('', 'x'), effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute') }) as fc.Arbitrary<Taint>;
const node = fc.record({
  cpu: fc.integer({ min: 0, max: 4000 }),
  mem: fc.integer({ min: 0, max: 4096 }),
  pods: fc.integer({ min: 0, max: 6 }),
  zone: fc.constantFrom('z1', 'z2'),
  taints: fc.array(taint, { maxLength: 2 }),
  unschedulable: fc.boolean(),
  ready: fc.boolean(),
});
const pod = fc.record({
  cpu: fc.integer({ min: 0, max: 1500 }),
  mem: fc.integer({ min: 0, max: 1500 }),
  app: fc.constantFrom('web', 'db', ''),
  port: fc.constantFrom(0, 0, 80),
  zone: fc.constantFrom(undefined, 'z1'),
  tolerate: fc.constantFrom(undefined, 'a', 'b'),
  bound: fc.integer({ min: -3, max: 5 }),
});

const scenario = fc.record({ nodes: fc.array(node, { minLength: 1, maxLength: 6 }), pods: fc.array(pod, { maxLength: 25 }) }).map(({ nodes, pods }) => {
  const ns = nodes.map((n, i) =>
    makeNode(`n${i}`, { cpu: `${n.cpu}m`, memory: `${n.mem}Mi`, pods: n.pods, labels: { zone: n.zone }, taints: n.taints, unschedulable: n.unschedulable, ready: n.ready }),
  );
  const ps = pods.map((p, i) =>
    makePod(`p${i}`, {
      ...(p.cpu ? { cpu: `${p.cpu}m` } : {}),
      ...(p.mem ? { memory: `${p.mem}Mi` } : {}),
      ...(p.app ? { labels: { app: p.app } } : {}),
      ...(p.port ? { hostPort: p.port } : {}),
      ...(p.zone ? { nodeSelector: { zone: p.zone } } : {}),
      ...(p.tolerate ? { tolerations: [{ key: p.tolerate, operator: 'Exists' as const }] } : {}),
      ...(p.bound >= 0 && p.bound < ns.length ? { nodeName: `n${p.bound}` } : {}),
    }),
  );
  // Pods bound in the snapshot are those that fit when added in order; the rest are pending.
  const assigned: Assignment[] = [];
  const pending = ps.filter((p) => !p.spec.nodeName);
  for (const p of ps.filter((p) => p.spec.nodeName)) assigned.push({ node: p.spec.nodeName!, demand: demandOf(p) });
  return { snapshot: { nodes: ns, assigned } as Snapshot, pending };
});

describe('schedule (properties)', () => {
  it('never over-commits a node that was not already over-committed, and every binding passes the filters', () => {
    fc.assert(
      fc.property(scenario, ({ snapshot, pending }) => {
        const plan = schedule(snapshot, pending);
        const infos = new Map(snapshot.nodes.map((n) => [n.metadata.name!, new NodeInfo(n, isNodeReady(n))]));
        for (const a of snapshot.assigned) infos.get(a.node)!.add(a.demand);
        const before = new Map([...infos].map(([k, i]) => [k, { ...i.requested }]));
        for (const b of [...plan.bindings]) {
          const info = infos.get(b.node)!;
          // Re-checking each binding, in plan order, against the node as it was plus earlier bindings.
          expect(filterReasons(b.pod, demandOf(b.pod), info)).toEqual([]);
          info.add(demandOf(b.pod));
        }
        for (const [name, info] of infos) {
          const was = before.get(name)!;
          const a = info.allocatable;
          if (info.requested.pods > was.pods) {
            expect(info.requested.pods).toBeLessThanOrEqual(a.pods);
            if (info.requested.milliCPU > was.milliCPU) expect(info.requested.milliCPU).toBeLessThanOrEqual(Math.max(a.milliCPU, was.milliCPU));
            if (info.requested.memory > was.memory) expect(info.requested.memory).toBeLessThanOrEqual(Math.max(a.memory, was.memory));
          }
        }
        expect(plan.bindings.length + plan.failures.length).toBe(pending.length);
        expect(new Set(plan.bindings.map((b) => b.pod.metadata.name)).size).toBe(plan.bindings.length);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, whatever the order of the pending pods and nodes', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), ({ snapshot, pending }, seed) => {
        const shuffle = <T>(xs: readonly T[]) => [...xs].map((x, i) => ({ x, k: (i * 2654435761 + seed) >>> 0 })).sort((a, b) => a.k - b.k).map((e) => e.x);
        const a = schedule(snapshot, pending);
        const b = schedule({ ...snapshot, nodes: shuffle(snapshot.nodes) }, shuffle(pending));
        const names = (p: typeof a) => ({ bindings: p.bindings.map((x) => [x.pod.metadata.name, x.node]), failures: p.failures.map((f) => [f.pod.metadata.name, f.message]) });
        expect(names(b)).toEqual(names(a));
      }),
      { numRuns: 200 },
    );
  });
});
