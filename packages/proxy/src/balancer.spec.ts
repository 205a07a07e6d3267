import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attemptOrder, backend, connected, expireSticky, newBalancerState, type Pool } from './balancer.js';

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
