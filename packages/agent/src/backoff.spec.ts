import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, KUBELET_BACKOFF, nextPullAt, nextRestart } from './backoff.js';

describe('back-off', () => {
  it('doubles from 10s and caps at 300s like the kubelet', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => backoffDelay(s, KUBELET_BACKOFF) / 1000)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it('given a container that crashed, the first restart is immediate and later delays double from base', () => {
    const r = nextRestart({ step: 2, startedAt: 0, finishedAt: 1000 }, KUBELET_BACKOFF);
    expect(r).toEqual({ at: 21_000, delayMs: 20_000, nextStep: 3 });
    expect(nextRestart({ step: 0, startedAt: 0, finishedAt: 1000 }, KUBELET_BACKOFF)).toEqual({ at: 1000, delayMs: 0, nextStep: 1 });
  });

  it('given a container that ran 10 minutes, when it exits, then the back-off starts over', () => {
    const r = nextRestart({ step: 5, startedAt: 0, finishedAt: 600_000 }, KUBELET_BACKOFF);
    expect(r).toEqual({ at: 600_000, delayMs: 0, nextStep: 1 });
  });

  it('never waits less than base nor more than cap, and never shrinks as steps grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 1_000_000 }), (step, base, capExtra) => {
        const s = { baseMs: base, capMs: base + capExtra, resetMs: 1 };
        const d = backoffDelay(step, s);
        expect(d).toBeGreaterThanOrEqual(base);
        expect(d).toBeLessThanOrEqual(s.capMs);
        expect(backoffDelay(step + 1, s)).toBeGreaterThanOrEqual(d);
      }),
    );
  });

  it('retries a failed pull after base, then 2·base', () => {
    expect(nextPullAt({ reason: 'ErrImagePull', count: 1, at: 5000, message: '', shown: false }, KUBELET_BACKOFF)).toBe(15_000);
    expect(nextPullAt({ reason: 'ErrImagePull', count: 2, at: 5000, message: '', shown: false }, KUBELET_BACKOFF)).toBe(25_000);
  });
});
