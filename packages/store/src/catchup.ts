/**
 * The two halves of a projection's compacted catch-up (see the README's "Catch-up by log
 * compaction"): reading the log into the compactor up to a target, and turning what it holds
 * into the events to fold, with the newest valid event in place of a corrupt newest message.
 */
import type { EventStore } from './eventstore.js';
import type { LatestBySubject } from './compaction.js';
import { type CorruptCounter, validBefore } from './corrupt.js';
import { type CorruptEvent, isCorrupt, type LoggedEvent } from '@wharf/model';

/** How a catch-up read ended: at its target, with the compactor full (fold and go on), or stopped (aborted). */
export type CatchUpEnd = 'done' | 'full' | 'stopped';

/**
 * Reads the log from `from` into `compacting` until `target` (or the end of the log, or a
 * message past it, whose target event is gone); `onMessage` hears of each message. Throws when
 * the reader stopped by itself before that.
 */
export async function readCompacted(store: EventStore, compacting: LatestBySubject, from: number, target: number, signal: AbortSignal, onMessage: () => void): Promise<CatchUpEnd> {
  let end: CatchUpEnd = 'stopped';
  await store.consumeMessages(
    from,
    store.subjects.allObjects,
    (m) => {
      onMessage();
      if (m.seq > target) {
        end = 'done';
        return false;
      }
      if (!compacting.add(m.seq, m.subject, m.data)) {
        end = 'full';
        return false;
      }
      if (m.seq === target || m.pending === 0) end = 'done';
      return end !== 'done';
    },
    signal,
  );
  if (end === 'stopped' && !signal.aborted) throw new Error('the log reader stopped while catching up');
  return end;
}

/**
 * The events of what `compacted` holds, oldest first (it is drained). A subject whose newest
 * message is corrupt (counted in `corrupt`) keeps what its newest valid event after `base` says,
 * looked up in the log (none: the state at `base` holds the object's last valid version).
 * `lookingUp` brackets the lookups, which have their own timeouts.
 */
export async function compactedEvents(store: EventStore, compacted: LatestBySubject, base: number, signal: AbortSignal, corrupt: CorruptCounter, lookingUp: (on: boolean) => void): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  const bad: CorruptEvent[] = [];
  for (const m of compacted.drain()) {
    const d = store.decode(m.data, m.seq, m.subject);
    if (isCorrupt(d)) bad.push(d);
    else events.push(d);
  }
  if (!bad.length) return events;
  for (const c of bad) corrupt.add(c);
  lookingUp(true);
  const repaired = await validBefore(store, bad, base, signal).finally(() => lookingUp(false));
  if (signal.aborted) throw new Error('stopped while looking up the events before corrupt messages');
  return [...events, ...repaired].sort((a, b) => a.seq - b.seq);
}
