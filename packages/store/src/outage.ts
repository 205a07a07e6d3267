/**
 * Which failures of an append are an outage of the event log (a leader election, a lost
 * connection) rather than an answer: the write path sends the append again, with the same
 * de-duplication id and expected sequence, until the log answers or the outage budget is spent.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { DuplicateAppendError } from './appenderrors.js';

/** JetStream's "temporarily unavailable" and "wrong last sequence unknown" (a new leader not yet sure) API errors. */
const UNAVAILABLE_CODES = new Set([10008, 10164]);

/**
 * How long the write path keeps sending an append through an outage before it gives up (and
 * the API answers 503 with Retry-After): an R3 stream elects a new leader in 2-11 s.
 */
export const OUTAGE_BUDGET_MS = 15_000;

/**
 * True when `e`, thrown by an append, leaves the log's answer unknown or says the log cannot
 * answer now: no acknowledgement in time, no responders (no stream leader), a lost connection,
 * JetStream unavailable, or the same write still being stored.
 */
export function isOutage(e: unknown): boolean {
  if (e instanceof TimeoutError || e instanceof NoRespondersError || e instanceof RequestError || e instanceof ConnectionError) return true;
  if (e instanceof jserrors.JetStreamNotEnabled) return true;
  if (e instanceof JetStreamApiError) return e.status === 503 || UNAVAILABLE_CODES.has(e.code);
  return e instanceof DuplicateAppendError && e.seq === 0;
}

/** The pause before outage retry `attempt` (from 0): 50 ms doubling to 500 ms, jittered by up to half. */
export function outagePause(attempt: number, random: number): number {
  const base = Math.min(500, 50 * 2 ** attempt);
  return base / 2 + random * (base / 2);
}

/**
 * Runs `f` until it answers, for as long as it fails with outages (`isOutage`) and `budgetMs` is
 * not spent, pausing as the write path does between tries; then its last error stands.
 */
export async function ridingOutages<T>(f: () => Promise<T>, budgetMs = OUTAGE_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (!isOutage(e) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, outagePause(attempt, Math.random())));
    }
  }
}
