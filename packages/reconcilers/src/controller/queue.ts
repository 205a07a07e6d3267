/**
 * A de-duplicating, rate-limited work queue of keys, modelled on client-go's workqueue:
 * a key is queued at most once, is never handed to two workers at the same time, and a key
 * added while it is being processed runs again once the worker is done. Each key remembers the
 * latest sequence of the event that triggered it (the `cause` of the writes it leads to).
 */
import { defaultRateLimiter, type RateLimiter } from './ratelimit.js';

/** One key handed to a worker, with the latest triggering sequence (if any). */
export interface QueueItem {
  key: string;
  cause?: number;
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** The work queue. */
export class WorkQueue {
  #queue: string[] = [];
  #head = 0;
  /** Keys waiting to run, with their cause. */
  #dirty = new Map<string, number | undefined>();
  #processing = new Set<string>();
  #timers = new Map<string, { at: number; timer: NodeJS.Timeout; cause: number | undefined }>();
  #waiters: (() => void)[] = [];
  #shuttingDown = false;

  constructor(readonly limiter: RateLimiter = defaultRateLimiter()) {}

  /** Number of keys waiting to run (not counting delayed or in-flight ones). */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** Number of keys being processed now. */
  get inFlight(): number {
    return this.#processing.size;
  }

  /** True once shutDown was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Queues `key` (once), keeping the latest triggering sequence. */
  add(key: string, cause?: number): void {
    if (this.#shuttingDown) return;
    if (this.#dirty.has(key)) {
      this.#dirty.set(key, later(this.#dirty.get(key), cause));
      return;
    }
    this.#dirty.set(key, cause);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#wake();
  }

  /** Queues `key` after `delayMs`; of several pending delays the earliest wins. */
  addAfter(key: string, delayMs: number, cause?: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key, cause);
    const at = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.at <= at) {
      pending.cause = later(pending.cause, cause);
      return;
    }
    if (pending) clearTimeout(pending.timer);
    const entry = { at, cause: later(pending?.cause, cause), timer: setTimeout(() => {
      this.#timers.delete(key);
      this.add(key, entry.cause);
    }, delayMs) };
    entry.timer.unref?.();
    this.#timers.set(key, entry);
  }

  /** Queues `key` after the rate limiter's delay (one more failure for exponential back-off). */
  addRateLimited(key: string, cause?: number): void {
    this.addAfter(key, this.limiter.when(key), cause);
  }

  /** Forgets the key's failures, so its next back-off starts again at the base delay. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  /** Failures of `key` since it was last forgotten. */
  retries(key: string): number {
    return this.limiter.retries(key);
  }

  /** Takes up to `max` keys, waiting for the first one; undefined once shut down. */
  async get(max = 1): Promise<QueueItem[] | undefined> {
    for (;;) {
      if (this.#shuttingDown) return undefined;
      if (this.length > 0) break;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
    const out: QueueItem[] = [];
    while (out.length < max && this.length > 0) {
      const key = this.#queue[this.#head++]!;
      const cause = this.#dirty.get(key);
      this.#dirty.delete(key);
      this.#processing.add(key);
      out.push(cause === undefined ? { key } : { key, cause });
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }

  /** Marks `key` as processed; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#queue.push(key);
      this.#wake();
    }
  }

  /** Stops handing out keys; waiting getters get undefined. Pending delays are dropped. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const t of this.#timers.values()) clearTimeout(t.timer);
    this.#timers.clear();
    for (const w of this.#waiters.splice(0)) w();
  }

  #wake(): void {
    const w = this.#waiters.shift();
    if (w) w();
  }
}
