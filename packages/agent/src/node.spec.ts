import { describe, expect, it } from 'vitest';
import type { Node } from '@wharf/model';
import { nodeObject, type NodeFacts, nodeReadiness, noPodCidrMessage } from './node.js';

describe('node object', () => {
  const facts: NodeFacts = { name: 'n1', address: '10.0.0.1', hostname: 'host', cpus: 2, memoryBytes: 4 * 2 ** 30, maxPods: 110, labels: { zone: 'a' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], kernelVersion: '6.1', osImage: 'Debian', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'docker://20.10.24', machineID: 'm', bootID: 'b', podCidr: '10.244.1.0/24' };
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

  it('given no pod CIDR from the flag or the Node, registers it not Ready (NetworkNotReady); with one on the Node, Ready', () => {
    const { podCidr: _p, ...standalone } = facts;
    const first = nodeObject(undefined, standalone, '2025-01-01T00:00:00Z', 'uid-1');
    expect(first.object.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'NetworkNotReady', message: noPodCidrMessage('n1') });
    const assigned = { ...first.object, spec: { podCIDR: '10.244.3.0/24', podCIDRs: ['10.244.3.0/24'] } };
    const again = nodeObject(assigned, standalone, '2025-01-02T00:00:00Z');
    expect(again.object.status?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2025-01-02T00:00:00Z' });
    expect(again.object.spec?.podCIDR).toBe('10.244.3.0/24');
  });

  it('keeps the conditions others own (nodeipam\'s NetworkUnavailable) when it re-registers, and owns only Ready', () => {
    const first = nodeObject(undefined, facts, '2025-01-01T00:00:00Z', 'uid-1').object;
    const unavailable = { type: 'NetworkUnavailable', status: 'True', reason: 'NoCIDRAvailable', message: 'no pod CIDR is free', lastTransitionTime: '2025-01-01T00:00:01Z' };
    const marked = { ...first, status: { ...first.status, conditions: [unavailable, ...(first.status?.conditions ?? [])] } } as Node;
    const again = nodeObject(marked, facts, '2025-01-02T00:00:00Z').object;
    expect(again.status?.conditions?.map((c) => c.type)).toEqual(['NetworkUnavailable', 'Ready']);
    expect(again.status?.conditions?.[0]).toEqual(unavailable);
  });
});

describe('nodeReadiness', () => {
  const node = (status: 'True' | 'False' | 'Unknown', reason: string, message = 'm'): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: 't0' }] } });
  const problem = noPodCidrMessage('n1');
  it('turns Ready False with NetworkNotReady while the network is not ready, and True once it is', () => {
    expect(nodeReadiness(node('True', 'KubeletReady'), problem, 't1')?.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'NetworkNotReady', message: problem, lastTransitionTime: 't1' });
    expect(nodeReadiness(node('False', 'NetworkNotReady', problem), undefined, 't2')?.status?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: 't2' });
  });

  it('writes nothing when the Node says so already, and leaves Unknown to the node lifecycle controller', () => {
    expect(nodeReadiness(node('False', 'NetworkNotReady', problem), problem, 't1')).toBeUndefined();
    expect(nodeReadiness(node('True', 'KubeletReady'), undefined, 't1')).toBeUndefined();
    expect(nodeReadiness(node('Unknown', 'NodeStatusUnknown'), problem, 't1')).toBeUndefined();
    expect(nodeReadiness(node('False', 'NetworkNotReady', 'an older message'), problem, 't1')?.status?.conditions?.[0]).toMatchObject({ message: problem, lastTransitionTime: 't0' });
  });
});
