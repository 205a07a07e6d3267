import fc from 'fast-check';
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

describe('heldNodePorts', () => {
  it('given no service, or ports without a nodePort or with 0, holds nothing for them', () => {
    expect(heldNodePorts(undefined)).toEqual([]);
    expect(heldNodePorts(svc([{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 0 }, { name: 'c', port: 82, nodePort: 30005 }]))).toEqual([30005]);
  });
});

describe('carryNodePorts, more cases', () => {
  it('given a service that was ClusterIP before, carries nothing', () => {
    const next = svc([{ name: 'a', port: 80 }]);
    carryNodePorts(next, svc([{ name: 'a', port: 80, nodePort: 30001 }], 'ClusterIP'));
    expect(next.spec.ports![0]!.nodePort).toBeUndefined();
  });

  it('given a service port that changed protocol or name, or that chose its own nodePort, does not carry the old one', () => {
    const current = svc([{ name: 'dns', port: 53, protocol: 'TCP', nodePort: 30053 }, { name: 'web', port: 80, nodePort: 30080 }, { name: 'x', port: 90, nodePort: 30090 }]);
    const next = svc([{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'www', port: 80 }, { name: 'x', port: 90, nodePort: 31000 }]);
    carryNodePorts(next, current);
    expect(next.spec.ports!.map((p) => p.nodePort)).toEqual([undefined, undefined, 31000]);
  });
});

describe('nodePortChanges, more cases', () => {
  it('given a ClusterIP service before and after, changes nothing', () => {
    expect(nodePortChanges(svc([{ port: 80 }], 'ClusterIP'), svc([{ port: 81 }], 'ClusterIP'))).toEqual({ claim: [], allocate: [], release: [] });
  });

  it('given a ClusterIP service turned NodePort, allocates a port for each service port', () => {
    expect(nodePortChanges(svc([{ name: 'a', port: 80 }, { name: 'b', port: 81 }]), svc([{ name: 'a', port: 80 }], 'ClusterIP'))).toEqual({ claim: [], allocate: [0, 1], release: [] });
  });

  it('given a held port moved to another service port, keeps it: no claim and no release', () => {
    const current = svc([{ name: 'a', port: 80, nodePort: 30001 }]);
    expect(nodePortChanges(svc([{ name: 'b', port: 81, nodePort: 30001 }]), current)).toEqual({ claim: [], allocate: [], release: [] });
  });

  it('given several dropped ports, releases them in ascending order', () => {
    const current = svc([{ name: 'a', port: 80, nodePort: 30009 }, { name: 'b', port: 81, nodePort: 30002 }, { name: 'c', port: 82, nodePort: 30005 }]);
    expect(nodePortChanges(svc([{ name: 'c', port: 82, nodePort: 30005 }]), current).release).toEqual([30002, 30009]);
  });
});

describe('duplicateNodePorts, more cases', () => {
  it('given a port used three times, reports the second and third use', () => {
    const s = svc([{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }, { name: 'c', port: 82, nodePort: 30001 }]);
    expect(duplicateNodePorts(s)).toEqual([{ index: 1, port: 30001 }, { index: 2, port: 30001 }]);
  });

  it('given a ClusterIP service, reports nothing: its nodePorts are refused by validation instead', () => {
    expect(duplicateNodePorts(svc([{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }], 'ClusterIP'))).toEqual([]);
  });
});

describe('candidatePorts, more cases', () => {
  it('given a negative or fractional start, wraps it into the range', () => {
    expect(candidatePorts(new Set(), -1).next().value).toBe(NODE_PORT_MAX);
    expect(candidatePorts(new Set(), 2.9).next().value).toBe(NODE_PORT_MIN + 2);
    expect(candidatePorts(new Set(), NODE_PORT_MAX - NODE_PORT_MIN + 1).next().value).toBe(NODE_PORT_MIN);
  });

  it('given every port taken, yields nothing', () => {
    const all = new Set(Array.from({ length: NODE_PORT_MAX - NODE_PORT_MIN + 1 }, (_, i) => NODE_PORT_MIN + i));
    expect([...candidatePorts(all, 0)]).toEqual([]);
  });

  it('property: from any start, yields every free port of the range exactly once', () => {
    const port = fc.integer({ min: NODE_PORT_MIN, max: NODE_PORT_MAX });
    fc.assert(
      fc.property(fc.uniqueArray(port, { maxLength: 50 }), fc.integer({ min: -100_000, max: 100_000 }), (taken, start) => {
        const got = [...candidatePorts(new Set(taken), start)];
        expect(got.length).toBe(NODE_PORT_MAX - NODE_PORT_MIN + 1 - taken.length);
        expect(new Set(got).size).toBe(got.length);
        expect(got.some((p) => taken.includes(p))).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});
