import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { due, initialState, record, timingOf } from './machine.js';
import { endpointOf } from './run.js';

const t = timingOf({ exec: { command: ['true'] }, initialDelaySeconds: 5, periodSeconds: 2, successThreshold: 2, failureThreshold: 3 }, 'readiness');

describe('probe state machine', () => {
  it('fills Kubernetes defaults and forces successThreshold 1 for liveness', () => {
    expect(timingOf({ tcpSocket: { port: 80 } }, 'readiness')).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
    expect(timingOf({ tcpSocket: { port: 80 }, successThreshold: 4 }, 'liveness').successThreshold).toBe(1);
  });

  it('given a fresh container, readiness starts not ready, liveness healthy, first probe after the delay', () => {
    const r = initialState('readiness', t, 1000);
    expect(r).toMatchObject({ ok: false, nextAt: 6000 });
    expect(initialState('liveness', t, 1000).ok).toBe(true);
    expect(due(r, 5999)).toBe(false);
    expect(due(r, 6000)).toBe(true);
  });

  it('turns ready after successThreshold successes, and unready after failureThreshold failures', () => {
    let s = initialState('readiness', t, 0);
    s = record(s, t, true, 5000);
    expect(s).toMatchObject({ ok: false, successes: 1, nextAt: 7000 });
    s = record(s, t, true, 7000);
    expect(s.ok).toBe(true);
    s = record(s, t, false, 9000);
    s = record(s, t, false, 11_000);
    expect(s.ok).toBe(true);
    s = record(s, t, true, 13_000);
    expect(s.failures).toBe(0);
    for (let i = 0; i < 3; i++) s = record(s, t, false, 15_000 + i);
    expect(s.ok).toBe(false);
  });

  it('property: the verdict only changes after a full streak of the matching threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (results) => {
        let s = initialState('readiness', t, 0);
        results.forEach((ok, i) => {
          const before = s.ok;
          s = record(s, t, ok, i);
          if (s.ok !== before) expect(s.ok ? s.successes >= t.successThreshold : s.failures >= t.failureThreshold).toBe(true);
        });
      }),
    );
  });
});

describe('endpointOf', () => {
  const container = { name: 'web', image: 'i', ports: [{ name: 'http', containerPort: 3000 }] };
  const infra = { id: 'i', name: 'i', labels: {}, image: '', imageID: '', running: true, exitCode: 0, oomKilled: false, error: '', createdAt: '', ports: [{ containerPort: 3000, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 32001 }] };

  it('probes the bridge address and container port, a named port included', () => {
    expect(endpointOf({ id: 'x', container, sandbox: { ...infra, ip: '172.17.0.5' }, address: '127.0.0.1' }, 'http')).toEqual({ host: '172.17.0.5', port: 3000 });
  });

  it('falls back to the published port on the node address', () => {
    expect(endpointOf({ id: 'x', container, sandbox: infra, address: '127.0.0.1' }, 3000)).toEqual({ host: '127.0.0.1', port: 32001 });
    expect(() => endpointOf({ id: 'x', container, sandbox: infra, address: '127.0.0.1' }, 'nope')).toThrow(/not a named port/);
  });
});
