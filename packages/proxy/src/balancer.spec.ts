import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attemptOrder, backend, connected, expireSticky, newBalancerState, type Pool } from './balancer.js';
import { diffListeners } from './listeners.js';
import { backendsFor, desiredRoutes } from './routes.js';
import type { Endpoints, Service } from '@wharf/model';

const pool = (n: number, affinityMs?: number): Pool => ({ backends: Array.from({ length: n }, (_, i) => backend('127.0.0.1', 32000 + i)), ...(affinityMs ? { affinityMs } : {}) });
const ports = (bs: { port: number }[]) => bs.map((b) => b.port);

describe('attemptOrder', () => {
  it('given 5 backends, 10 connections go round-robin, each backend twice in a repeating order', () => {
    const p = pool(5);
    const s = newBalancerState();
    const firsts = Array.from({ length: 10 }, () => attemptOrder(p, s, 'c', 0)[0]!.port);
    expect(firsts).toEqual([32000, 32001, 32002, 32003, 32004, 32000, 32001, 32002, 32003, 32004]);
  });

  it('lists every other backend after the first, for failover', () => {
    const s = newBalancerState();
    attemptOrder(pool(3), s, 'c', 0);
    expect(ports(attemptOrder(pool(3), s, 'c', 0))).toEqual([32001, 32002, 32000]);
  });

  it('gives nothing for an empty pool', () => {
    expect(attemptOrder(pool(0), newBalancerState(), 'c', 0)).toEqual([]);
  });

  it('keeps a client on its backend with ClientIP affinity until the timeout', () => {
    const p = pool(3, 1000);
    const s = newBalancerState();
    const first = attemptOrder(p, s, 'a', 0)[0]!;
    connected(p, s, 'a', first, 0);
    expect(attemptOrder(p, s, 'a', 500)[0]).toEqual(first);
    expect(attemptOrder(p, s, 'b', 500)[0]).not.toEqual(first);
    expect(attemptOrder(p, s, 'a', 1500)[0]).not.toEqual(first);
    expireSticky(s, 5000);
    expect(s.sticky.size).toBe(0);
  });

  it('property: over k·n connections every backend is first exactly k times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }), fc.nat(100), (n, k, start) => {
        const s = { cursor: start, sticky: new Map() };
        const counts = new Map<number, number>();
        for (let i = 0; i < n * k; i++) {
          const o = attemptOrder(pool(n), s, 'c', 0);
          expect(new Set(ports(o)).size).toBe(n);
          counts.set(o[0]!.port, (counts.get(o[0]!.port) ?? 0) + 1);
        }
        return [...counts.values()].every((c) => c === k) && counts.size === n;
      }),
    );
  });
});

describe('diffListeners', () => {
  it('opens the missing ports and closes the extra ones', () => {
    expect(diffListeners([30002, 30001, 30003], [30003, 30004])).toEqual({ open: [30001, 30002], close: [30004] });
    expect(diffListeners([], [])).toEqual({ open: [], close: [] });
  });
});

describe('routes', () => {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }, { name: 'admin', port: 81, nodePort: 30081, protocol: 'TCP' }] },
  };
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      { addresses: [{ ip: '127.0.0.2' }], notReadyAddresses: [{ ip: '127.0.0.9' }], ports: [{ name: 'http', port: 32002 }, { name: 'admin', port: 32102 }] },
      { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port: 32001 }] },
    ],
  };

  it('takes the ready addresses of the matching port name, sorted', () => {
    expect(backendsFor(svc.spec.ports![0]!, ep).map((b) => b.key)).toEqual(['127.0.0.1:32001', '127.0.0.2:32002']);
    expect(backendsFor(svc.spec.ports![1]!, ep).map((b) => b.key)).toEqual(['127.0.0.2:32102']);
  });

  it('gives one route per NodePort with the affinity timeout (default 3 h)', () => {
    const routes = desiredRoutes([svc, { ...svc, metadata: { name: 'cip' }, spec: { type: 'ClusterIP', ports: [{ port: 1 }] } }], () => ep);
    expect([...routes.keys()]).toEqual([30080, 30081]);
    expect(routes.get(30080)).toMatchObject({ id: 'default/web:http', affinityMs: 10800_000 });
  });

  it('accepts an unnamed single port', () => {
    const one: Endpoints = { ...ep, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 32001 }] }] };
    expect(backendsFor({ port: 80 }, one).map((b) => b.key)).toEqual(['127.0.0.1:32001']);
  });
});
