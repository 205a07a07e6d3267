/**
 * Conflict retry, as client-go's `RetryOnConflict`: a read-decide-write step that lost a race is
 * run again from the read, a few times, with short jittered pauses; then the last error stands.
 * Every conflict-retrying write of Wharf goes through here, with the one limit DEFAULT_RETRY.
 */
import { ConflictError } from '../errors.js';

/** How often and how soon to try again (client-go's `wait.Backoff`). */
export interface Backoff {
  /** Attempts in all, the first one included. */
  steps: number;
  /** The pause before the first retry (ms). */
  delayMs: number;
  /** Each pause is the one before times this. */
  factor: number;
  /** Each pause grows by a random part of itself, up to this fraction. */
  jitter: number;
  /** No pause is longer than this (ms), jitter included. */
  capMs: number;
}

/**
 * Wharf's one conflict-retry limit: 8 attempts; pauses of 5 ms doubling up to 100 ms, each up to
 * half as long again at random. A step that loses 8 races in a row gives up after at most ~0.4 s.
 */
export const DEFAULT_RETRY: Readonly<Backoff> = Object.freeze({ steps: 8, delayMs: 5, factor: 2, jitter: 0.5, capMs: 100 });

/** Options of retryOnConflict; the defaults suit every write, tests inject `sleep` and `random`. */
export interface RetryOptions {
  backoff?: Readonly<Backoff>;
  /** Which errors mean "lost a race: read again and retry" (default: ConflictError). Any other error ends the retries at once. */
  retriable?: (e: unknown) => boolean;
  /** Waits `ms` (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter (default: Math.random). */
  random?: () => number;
}

/** The pause before retry number `retry` (from 1) of `b`, with `r` in [0, 1) as the jitter's draw. */
export function backoffDelay(b: Readonly<Backoff>, retry: number, r: number): number {
  const base = b.delayMs * b.factor ** (retry - 1);
  return Math.min(b.capMs, base * (1 + b.jitter * r));
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `step` (given its attempt number, from 0) until it returns, throws an error that is not
 * retriable, or has used up the backoff's steps; then rethrows the last error. Each retry waits
 * its jittered pause first, so racing writers spread out.
 */
export async function retryOnConflict<T>(step: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const b = opts.backoff ?? DEFAULT_RETRY;
  const retriable = opts.retriable ?? ((e: unknown) => e instanceof ConflictError);
  const sleep = opts.sleep ?? timer;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(b, attempt, random()));
    try {
      return await step(attempt);
    } catch (e) {
      if (!retriable(e) || attempt + 1 >= b.steps) throw e;
    }
  }
}
