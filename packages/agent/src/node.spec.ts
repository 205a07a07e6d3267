import { describe, expect, it } from 'vitest';
import { nodeObject, type NodeFacts } from './node.js';

describe('node object', () => {
  const facts: NodeFacts = { name: 'n1', address: '10.0.0.1', hostname: 'host', cpus: 2, memoryBytes: 4 * 2 ** 30, maxPods: 110, labels: { zone: 'a' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], kernelVersion: '6.1', osImage: 'Debian', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'docker://20.10.24', machineID: 'm', bootID: 'b' };
  it('registers a new node with its taints, and refreshes an existing one keeping its transition time and spec', () => {
    const first = nodeObject(undefined, facts, '2025-01-01T00:00:00Z', 'uid-1');
    expect(first.type).toBe('NodeRegistered');
    expect(first.object.status?.capacity).toEqual({ cpu: '2', memory: '4194304Ki', pods: '110' });
    expect(first.object.metadata.labels).toEqual({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a' });
    expect(first.object.spec?.taints).toEqual(facts.taints);
    const existing = { ...first.object, spec: { taints: [{ key: 'other', effect: 'NoExecute' as const }] } };
    const again = nodeObject(existing, facts, '2025-01-02T00:00:00Z');
    expect(again.type).toBe('NodeStatusUpdated');
    expect(again.object.metadata.uid).toBe('uid-1');
    expect(again.object.spec).toEqual({ taints: [{ key: 'other', effect: 'NoExecute' }] });
    expect(again.object.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: '2025-01-01T00:00:00Z', lastHeartbeatTime: '2025-01-02T00:00:00Z' });
  });
});
