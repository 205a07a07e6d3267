/**
 * Rate limiters for the work queue, as in client-go: a per-key exponential back-off for failures
 * and an overall token bucket, combined by taking the longer wait.
 */

/** Says how long to wait before a key may be retried. */
export interface RateLimiter {
  /** The delay in ms before `key` may run again; each call counts one more failure. */
  when(key: string): number;
  /** Forgets the key's failures (after a success). */
  forget(key: string): void;
  /** How many failures the key has had since it was last forgotten. */
  retries(key: string): number;
}

/** Per-key exponential back-off: base * 2^failures, capped at max (defaults 5 ms .. 30 s). */
export class ExponentialBackoff implements RateLimiter {
  #failures = new Map<string, number>();
  constructor(readonly baseMs = 5, readonly maxMs = 30_000) {}

  when(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 40));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** An overall token bucket: `qps` tokens a second, at most `burst` saved up. */
export class TokenBucket implements RateLimiter {
  #tokens: number;
  #last: number;
  constructor(readonly qps = 50, readonly burst = 500, readonly now: () => number = Date.now) {
    this.#tokens = burst;
    this.#last = now();
  }

  when(): number {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) * this.qps) / 1000);
    this.#last = t;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.qps);
  }

  forget(): void {}

  retries(): number {
    return 0;
  }
}

/** The longest wait of several limiters (client-go's default controller rate limiter). */
export class MaxOf implements RateLimiter {
  readonly #limiters: RateLimiter[];
  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.#limiters) l.forget(key);
  }

  retries(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.retries(key)));
  }
}

/** The default limiter: exponential 5 ms .. 30 s per key, and 50 qps with a burst of 500 overall. */
export function defaultRateLimiter(): RateLimiter {
  return new MaxOf(new ExponentialBackoff(5, 30_000), new TokenBucket(50, 500));
}
