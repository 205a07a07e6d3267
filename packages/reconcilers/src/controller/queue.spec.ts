import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './queue.js';
import { ExponentialBackoff, TokenBucket } from './ratelimit.js';

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given a key added twice, hands it out once with the latest cause', async () => {
    const q = new WorkQueue(new ExponentialBackoff());
    q.add('Pod/default/a', 5);
    q.add('Pod/default/a', 9);
    q.add('Pod/default/a', 7);
    q.add('Pod/default/b');
    expect(q.length).toBe(2);
    expect(await q.get(10)).toEqual([{ key: 'Pod/default/a', cause: 9 }, { key: 'Pod/default/b' }]);
  });

  it('never hands a key to two workers; a key added while in flight runs again after done', async () => {
    const q = new WorkQueue(new ExponentialBackoff());
    q.add('k', 1);
    const [first] = (await q.get())!;
    expect(first).toEqual({ key: 'k', cause: 1 });
    q.add('k', 2);
    expect(q.length).toBe(0);
    q.done('k');
    expect(await q.get()).toEqual([{ key: 'k', cause: 2 }]);
    q.done('k');
    expect(q.length).toBe(0);
  });

  it('addAfter delays a key and keeps only the earliest of several delays', async () => {
    const q = new WorkQueue(new ExponentialBackoff());
    q.addAfter('k', 100, 3);
    q.addAfter('k', 50, 4);
    q.addAfter('k', 500);
    vi.advanceTimersByTime(49);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.length).toBe(1);
    expect(await q.get()).toEqual([{ key: 'k', cause: 4 }]);
    q.done('k');
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(0);
  });

  it('backs failures off exponentially from 5 ms to 30 s, and forget resets it', () => {
    const q = new WorkQueue(new ExponentialBackoff());
    const delays: number[] = [];
    const b = q.limiter;
    for (let i = 0; i < 16; i++) delays.push(b.when('k'));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays.at(-1)).toBe(30_000);
    expect(q.retries('k')).toBe(16);
    q.forget('k');
    expect(b.when('k')).toBe(5);
  });

  it('addRateLimited requeues after the back-off', async () => {
    const q = new WorkQueue(new ExponentialBackoff());
    q.addRateLimited('k', 1);
    q.addRateLimited('k', 2);
    vi.advanceTimersByTime(5);
    expect(await q.get()).toEqual([{ key: 'k', cause: 2 }]);
  });

  it('a waiting get resolves on add, and with undefined on shutDown', async () => {
    const q = new WorkQueue(new ExponentialBackoff());
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toEqual([{ key: 'x' }]);
    const idle = q.get();
    q.shutDown();
    expect(await idle).toBeUndefined();
    q.add('y');
    expect(q.length).toBe(0);
  });

  it('the token bucket lets a burst through, then spaces keys by 1/qps', () => {
    let now = 0;
    const t = new TokenBucket(10, 2, () => now);
    expect([t.when(), t.when()]).toEqual([0, 0]);
    expect(t.when()).toBe(100);
    now = 1000;
    expect(t.when()).toBe(0);
  });
});
