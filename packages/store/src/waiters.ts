/** Writers waiting until a projection has folded their sequence (read-your-writes). */
import { TimeoutError } from '@wharf/model';

interface Waiter {
  seq: number;
  since: number;
  resolve: () => void;
}

/** The waiters of one projection, each with its own deadline. */
export class SeqWaiters {
  #waiters: Waiter[] = [];

  /** How many wait. */
  get size(): number {
    return this.#waiters.length;
  }

  /** How long the oldest has waited at `now` (-Infinity when none waits). */
  oldestAge(now: number): number {
    return now - this.#waiters.reduce((m, w) => Math.min(m, w.since), Infinity);
  }

  /** True when someone waits for a sequence after `seq`. */
  waitsBeyond(seq: number): boolean {
    return this.#waiters.some((w) => w.seq > seq);
  }

  /** Resolves once `settle(seq)` is called with `seq` or more; rejects with 504 after `timeoutMs` (0: never). */
  wait(seq: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const w: Waiter = {
        seq,
        since: Date.now(),
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.push(w);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          reject(new TimeoutError(`the write at sequence ${seq} was not observed within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  /** Resolves everyone waiting for `seq` or less. */
  settle(seq: number): void {
    if (!this.#waiters.length) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.seq <= seq) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }
}
