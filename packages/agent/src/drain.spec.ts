import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Endpoints } from '@wharf/model';
import { podBackends, routed, type RoutingView, type SeenAck, stopGate, type Termination } from './drain.js';

/** The terminating pod's address; 10.244.1.6 is another pod's. */
const POD = ['10.244.1.5'];
const endpoints = (...ips: string[]): Endpoints => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'default' },
  subsets: ips.map((ip) => ({ addresses: [{ ip }], ports: [{ port: 3000, protocol: 'TCP' as const }] })),
});
const ack = (node: string, seq: number, o: Partial<SeenAck> = {}): SeenAck => ({ node, seq, draining: [], intervalMs: 2000, receivedAt: 100_000, ...o });
const view = (o: Partial<RoutingView> = {}): RoutingView => ({ synced: true, seq: 40, endpoints: [endpoints('10.244.1.6')], acks: [ack('a', 40), ack('b', 41)], ...o });
const since: Termination = { since: 100_000 };

describe('stopGate: a terminating pod waits until no proxy routes to it', () => {
  it('given every live proxy applied the sequence that dropped the pod, opens with the whole grace period', () => {
    const r = stopGate(since, 30, POD, view(), 100_100);
    expect(r.gate).toEqual({ open: true, graceSeconds: 30, timedOut: false });
    expect(r.termination).toEqual({ since: 100_000, outAt: 40 });
  });

  it('given an Endpoints still listing the pod, waits for the endpoints controller until half the grace period', () => {
    const r = stopGate(since, 30, POD, view({ endpoints: [endpoints('10.244.1.5', '10.244.1.6')] }), 100_100);
    expect(r.gate).toEqual({ open: false, until: 115_000, waitingFor: 'the endpoints controller' });
  });

  it('given a proxy behind the sequence from which the pod was out, waits for that proxy; once it catches up, opens', () => {
    const behind = view({ acks: [ack('a', 39), ack('b', 41)] });
    expect(stopGate(since, 30, POD, behind, 100_100).gate).toEqual({ open: false, until: 106_000, waitingFor: 'the proxies of a' });
    // Later Endpoints changes do not move the mark: the proxy need only reach 40.
    const moved = stopGate({ since: 100_000, outAt: 40 }, 30, POD, view({ seq: 55, acks: [ack('a', 40)] }), 100_200);
    expect(moved.gate.open).toBe(true);
  });

  it('given a proxy still carrying a connection to the pod, waits until it drained', () => {
    const draining = view({ acks: [ack('a', 41, { draining: [{ ip: '10.244.1.5', port: 3000 }] })] });
    expect(stopGate(since, 30, POD, draining, 100_100).gate).toMatchObject({ open: false, waitingFor: 'the proxies of a' });
    const other = view({ acks: [ack('a', 41, { draining: [{ ip: '10.244.1.6', port: 3000 }] })] });
    expect(stopGate(since, 30, POD, other, 100_100).gate.open).toBe(true);
  });

  it('ignores a proxy silent for 3 of its intervals, and wakes up when it turns so', () => {
    const dead = view({ acks: [ack('a', 10, { receivedAt: 90_000 })] });
    expect(stopGate(since, 30, POD, dead, 100_100).gate.open).toBe(true);
    const dying = view({ acks: [ack('a', 10, { receivedAt: 99_000 })] });
    expect(stopGate(since, 30, POD, dying, 100_100).gate).toMatchObject({ open: false, until: 105_000 });
  });

  it('given a view not yet synced, waits for it', () => {
    expect(stopGate(since, 30, POD, view({ synced: false }), 100_100).gate).toMatchObject({ open: false, waitingFor: 'the Services and Endpoints in the log' });
  });

  it('given the pod back in an Endpoints, forgets the mark and waits again', () => {
    const r = stopGate({ since: 100_000, outAt: 40 }, 30, POD, view({ endpoints: [endpoints('10.244.1.5')] }), 100_100);
    expect(r.termination).toEqual({ since: 100_000 });
    expect(r.gate.open).toBe(false);
  });

  it('after half the grace period, opens anyway with what is left of it, saying what it waited for', () => {
    const r = stopGate(since, 30, POD, view({ endpoints: [endpoints('10.244.1.5')] }), 115_000);
    expect(r.gate).toEqual({ open: true, graceSeconds: 15, timedOut: true, waitingFor: 'the endpoints controller' });
  });

  it('never waits for a pod without an address, nor for a grace period of 0', () => {
    expect(stopGate(since, 30, [], view({ synced: false }), 100_000).gate).toEqual({ open: true, graceSeconds: 30, timedOut: false });
    expect(stopGate(since, 0, POD, view({ synced: false }), 100_000).gate).toEqual({ open: true, graceSeconds: 0, timedOut: false });
  });

  it('property: closed only before half the grace period, waking no later; open with between half and all of the grace period', () => {
    const arbAck = fc.record({ node: fc.constantFrom('a', 'b', 'c'), seq: fc.nat(60), draining: fc.subarray([{ ip: '10.244.1.5', port: 3000 }]), intervalMs: fc.integer({ min: 1, max: 5000 }), receivedAt: fc.integer({ min: 80_000, max: 130_000 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 100_000, max: 250_000 }), fc.boolean(), fc.boolean(), fc.array(arbAck, { maxLength: 4 }), (grace, now, synced, listed, acks) => {
        const { gate } = stopGate(since, grace, POD, view({ synced, endpoints: [endpoints(listed ? '10.244.1.5' : '10.244.1.6')], acks }), now);
        if (!gate.open) {
          expect(now).toBeLessThan(since.since + grace * 500);
          expect(gate.until).toBeGreaterThan(now);
          expect(gate.until).toBeLessThanOrEqual(since.since + grace * 500);
        } else {
          expect(gate.graceSeconds).toBeGreaterThanOrEqual(Math.ceil(grace / 2));
          expect(gate.graceSeconds).toBeLessThanOrEqual(grace);
        }
      }),
    );
  });
});

describe('routed and podBackends', () => {
  it('matches a pod by its address among the ready addresses of a subset with a TCP port', () => {
    const ep: Endpoints = { ...endpoints(), subsets: [{ addresses: [{ ip: '10.244.1.6' }], notReadyAddresses: [{ ip: '10.244.1.5' }], ports: [{ port: 3000 }] }] };
    expect(routed([ep], POD)).toBe(false);
    expect(routed([ep], ['10.244.1.6'])).toBe(true);
    expect(routed([{ ...ep, subsets: [{ addresses: [{ ip: '10.244.1.6' }], ports: [{ port: 53, protocol: 'UDP' }] }] }], ['10.244.1.6'])).toBe(false);
  });

  it('takes the pod IPs of a pod, none without one', () => {
    expect(podBackends({ podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], hostIP: '127.0.0.1' })).toEqual(POD);
    expect(podBackends({ hostIP: '127.0.0.1' })).toEqual([]);
    expect(podBackends(undefined)).toEqual([]);
  });
});
