import { describe, expect, it } from 'vitest';
import { demandOf } from './demand.js';
import { makeNode, makePod } from './fixtures.js';
import { schedule } from './schedule.js';
import type { Snapshot } from './types.js';

const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
const bound = (pods: ReturnType<typeof makePod>[]) => pods.map((p) => ({ node: p.spec.nodeName!, demand: demandOf(p) }));

describe('schedule', () => {
  it('given a tainted control plane and two full workers, says why in kube-scheduler words', () => {
    const snapshot: Snapshot = {
      nodes: [makeNode('cp', { taints: [controlPlane] }), makeNode('w1', { cpu: '1' }), makeNode('w2', { cpu: '1' })],
      assigned: bound([makePod('x', { cpu: '900m', nodeName: 'w1' }), makePod('y', { cpu: '900m', nodeName: 'w2' })]),
    };
    const plan = schedule(snapshot, [makePod('p', { cpu: '200m' })]);
    expect(plan.bindings).toEqual([]);
    expect(plan.failures[0]!.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.');
  });

  it('counts every insufficient resource, and each filter in its order', () => {
    const snapshot: Snapshot = {
      nodes: [
        makeNode('a', { cpu: '1', memory: '1Gi', labels: { disk: 'ssd' } }),
        makeNode('b', { unschedulable: true }),
        makeNode('c', { ready: false }),
        makeNode('d', { labels: { disk: 'hdd' } }),
        makeNode('e', { pods: 0, cpu: '1', memory: '1Gi', labels: { disk: 'ssd' } }),
      ],
      assigned: [],
    };
    const plan = schedule(snapshot, [makePod('p', { cpu: '2', memory: '2Gi', nodeSelector: { disk: 'ssd' } })]);
    expect(plan.failures[0]!.message).toBe(
      "0/5 nodes are available: 1 Too many pods, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were not ready, 1 node(s) were unschedulable, 2 Insufficient cpu, 2 Insufficient memory.",
    );
  });

  it('says so when there are no nodes', () => {
    expect(schedule({ nodes: [], assigned: [] }, [makePod('p')]).failures[0]!.message).toBe('no nodes available to schedule pods');
  });

  it('given tolerations, places pods on tainted nodes; PreferNoSchedule only lowers the score', () => {
    const nodes = [makeNode('a', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), makeNode('b', { taints: [{ key: 'gpu', value: 'yes', effect: 'NoExecute' }] })];
    const plain = schedule({ nodes, assigned: [] }, [makePod('p')]);
    expect(plain.bindings.map((b) => b.node)).toEqual(['a']);
    const tolerant = schedule({ nodes, assigned: [] }, [makePod('p', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'yes' }] })]);
    expect(tolerant.bindings.map((b) => b.node)).toEqual(['b']);
    const wrongValue = schedule({ nodes: [nodes[1]!], assigned: [] }, [makePod('p', { tolerations: [{ key: 'gpu', value: 'no' }] })]);
    expect(wrongValue.failures[0]!.message).toBe('0/1 nodes are available: 1 node(s) had untolerated taint {gpu: yes}.');
  });

  it('keeps host ports apart, within one call too', () => {
    const plan = schedule({ nodes: [makeNode('a'), makeNode('b')], assigned: [] }, [1, 2, 3].map((i) => makePod(`p${i}`, { hostPort: 8080 })));
    expect(plan.bindings.map((b) => b.node).sort()).toEqual(['a', 'b']);
    expect(plan.failures[0]!.message).toBe("0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
  });

  it('spreads pods with the same labels, prefers the least allocated node, and breaks ties by name', () => {
    const nodes = [makeNode('n1'), makeNode('n2'), makeNode('n3')];
    const web = [1, 2, 3].map((i) => makePod(`web-${i}`, { labels: { app: 'web' }, cpu: '100m' }));
    expect(schedule({ nodes, assigned: [] }, web).bindings.map((b) => b.node)).toEqual(['n1', 'n2', 'n3']);
    const busy = bound([makePod('big', { cpu: '3', nodeName: 'n1' })]);
    expect(schedule({ nodes, assigned: busy }, [makePod('x', { cpu: '100m' })]).bindings[0]!.node).toBe('n2');
  });

  it('places higher priority pods first and ignores finished or foreign pods by contract of the caller', () => {
    const plan = schedule({ nodes: [makeNode('a', { cpu: '1' })], assigned: [] }, [makePod('low', { cpu: '1' }), makePod('high', { cpu: '1', priority: 10 })]);
    expect(plan.bindings.map((b) => b.pod.metadata.name)).toEqual(['high']);
    expect(plan.failures.map((f) => f.pod.metadata.name)).toEqual(['low']);
  });

  it('places nothing on a node whose Ready condition is not True (the node lifecycle controller judges silence)', () => {
    const unknown = makeNode('a');
    unknown.status = { ...unknown.status, conditions: [{ type: 'Ready', status: 'Unknown' }] };
    const snapshot: Snapshot = { nodes: [unknown, makeNode('b')], assigned: [] };
    expect(schedule(snapshot, [makePod('p')]).bindings[0]!.node).toBe('b');
  });
});
