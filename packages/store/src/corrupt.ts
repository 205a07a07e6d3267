/**
 * Corrupt messages met in the log (messages the model's gate set aside): counted per reader,
 * logged once per process at warn level with their sequence, subject and reason, however many
 * readers (projections, watches, audit listings, history reads) pass over them, and the valid
 * events before them found again for a compacted catch-up.
 */
import type { CorruptEvent, LoggedEvent } from '@wharf/model';
import type { EventStore } from './eventstore.js';
import type { Logger } from './logger.js';

/** How many sequences a CorruptLog remembers as logged (the oldest are forgotten first). */
const REMEMBERED = 10_000;
/** How many of the newest corrupt messages a counter keeps. */
const RECENT = 10;
/** Subjects looked up at once by validBefore. */
const LOOKUPS_IN_FLIGHT = 16;

/** A count of corrupt messages set aside and the newest few of them. */
export interface CorruptCount {
  /** Messages set aside. */
  count: number;
  /** The newest of them (at most 10), oldest first. */
  recent: readonly CorruptEvent[];
}

/** Counts the corrupt messages one reader set aside, each sequence once, and keeps the newest few. */
export class CorruptCounter {
  #count = 0;
  #recent: CorruptEvent[] = [];
  #high = 0;

  /** Counts `c` unless its sequence is not past the last one counted (a reader re-reading). */
  add(c: CorruptEvent): boolean {
    if (c.seq <= this.#high) return false;
    this.#high = c.seq;
    this.#count++;
    this.#recent.push(c);
    if (this.#recent.length > RECENT) this.#recent.shift();
    return true;
  }

  /** The count so far and the newest few. */
  get value(): CorruptCount {
    return { count: this.#count, recent: [...this.#recent] };
  }
}

/** The corrupt messages this process met, each logged once. */
export class CorruptLog {
  #logged = new Set<number>();
  #log: Logger | undefined;

  /** `logger` is called on the first corrupt message only (most processes never meet one). */
  constructor(readonly logger: () => Logger) {}

  /** Records that a reader passed over `c`; logs it at warn unless it was logged already. */
  note(c: CorruptEvent): void {
    if (this.#logged.has(c.seq)) return;
    this.#logged.add(c.seq);
    if (this.#logged.size > REMEMBERED) this.#logged.delete(this.#logged.values().next().value!);
    this.#log ??= this.logger();
    this.#log.warn({ seq: c.seq, subject: c.subject, reason: c.reason }, 'set aside a corrupt message of the event log');
  }
}

/**
 * For each corrupt message, its subject's newest valid event after `base` and before it, where
 * there is one (16 subjects at a time; stops early when `signal` aborts).
 */
export async function validBefore(store: EventStore, corrupt: readonly CorruptEvent[], base: number, signal: AbortSignal): Promise<LoggedEvent[]> {
  const found: LoggedEvent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < corrupt.length && !signal.aborted) {
      const c = corrupt[next++]!;
      const e = await store.newestValid(c.subject, base, c.seq);
      if (e) found.push(e);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, corrupt.length) }, worker));
  return found;
}
