import { describe, expect, it } from 'vitest';
import type { Service, ServicePort } from '@wharf/model';
import { candidatePorts, carryNodePorts, duplicateNodePorts, heldNodePorts, nodePortChanges, NODE_PORT_MAX, NODE_PORT_MIN } from './nodeports.js';

const svc = (ports: ServicePort[], type: 'NodePort' | 'ClusterIP' = 'NodePort'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default', uid: 'u' }, spec: { type, ports } });

describe('nodePortChanges', () => {
  it('allocates for ports without a nodePort and claims explicit ones on create', () => {
    expect(nodePortChanges(svc([{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 31000 }]), undefined)).toEqual({ claim: [{ index: 1, port: 31000 }], allocate: [0], release: [] });
  });

  it('keeps held ports, claims new ones and frees dropped ones on update', () => {
    const current = svc([{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30002 }]);
    const next = svc([{ name: 'a', port: 80, nodePort: 30001 }, { name: 'c', port: 82, nodePort: 30003 }]);
    expect(nodePortChanges(next, current)).toEqual({ claim: [{ index: 1, port: 30003 }], allocate: [], release: [30002] });
  });

  it('frees every port when the type changes away from NodePort', () => {
    const current = svc([{ port: 80, nodePort: 30001 }]);
    expect(nodePortChanges(svc([{ port: 80 }], 'ClusterIP'), current)).toEqual({ claim: [], allocate: [], release: [30001] });
    expect(heldNodePorts(svc([{ port: 80, nodePort: 30001 }], 'ClusterIP'))).toEqual([]);
  });
});

describe('carryNodePorts', () => {
  it('gives an update without nodePorts the ports the same service ports had', () => {
    const current = svc([{ name: 'a', port: 80, protocol: 'TCP', nodePort: 30001 }, { name: 'b', port: 81, protocol: 'TCP', nodePort: 30002 }]);
    const next = svc([{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 8080, protocol: 'TCP' }]);
    carryNodePorts(next, current);
    expect(next.spec.ports!.map((p) => p.nodePort)).toEqual([30001, undefined]);
    expect(nodePortChanges(next, current)).toEqual({ claim: [], allocate: [1], release: [30002] });
  });
});

describe('duplicateNodePorts', () => {
  it('reports the second use of a port', () => {
    expect(duplicateNodePorts(svc([{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }]))).toEqual([{ index: 1, port: 30001 }]);
  });
});

describe('candidatePorts', () => {
  it('walks the whole range once from the start, wrapping, skipping taken ports', () => {
    const all = [...candidatePorts(new Set([NODE_PORT_MAX, NODE_PORT_MIN + 1]), NODE_PORT_MAX - NODE_PORT_MIN)];
    expect(all.length).toBe(NODE_PORT_MAX - NODE_PORT_MIN - 1);
    expect(all.slice(0, 2)).toEqual([NODE_PORT_MIN, NODE_PORT_MIN + 2]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((p) => p >= NODE_PORT_MIN && p <= NODE_PORT_MAX)).toBe(true);
  });
});
