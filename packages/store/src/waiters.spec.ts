/** Writers waiting for a projection to fold their sequence (waiters.ts). */
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@wharf/model';
import { SeqWaiters } from './waiters.js';

describe('SeqWaiters', () => {
  it('given waiters for several sequences, resolves those reached and keeps the others', async () => {
    const w = new SeqWaiters();
    const done: number[] = [];
    for (const seq of [3, 5, 9]) void w.wait(seq, 0).then(() => done.push(seq));
    expect(w.waitsBeyond(4)).toBe(true);
    w.settle(5);
    await Promise.resolve();
    expect(done.sort()).toEqual([3, 5]);
    expect(w.size).toBe(1);
    expect(w.waitsBeyond(9)).toBe(false);
  });

  it('given a deadline, rejects with a 504 that says which write was not seen', async () => {
    const w = new SeqWaiters();
    await expect(w.wait(7, 5)).rejects.toMatchObject({ code: 504, message: 'the write at sequence 7 was not observed within 5 ms' });
    expect(w.size).toBe(0);
    expect(new TimeoutError('x').details?.retryAfterSeconds).toBe(1);
  });

  it('says how long the oldest has waited, and -Infinity when none waits', () => {
    const w = new SeqWaiters();
    expect(w.oldestAge(Date.now())).toBe(-Infinity);
    void w.wait(1, 0);
    expect(w.oldestAge(Date.now() + 1000)).toBeGreaterThanOrEqual(1000);
  });
});
