/**
 * Bounded reads of the log for history tools: a range of sequences (optionally one subject or a
 * filter), one event by sequence, and the last sequence at or before a time. Every read is an
 * ordered consumer or a direct get; nothing leaves server-side state behind. Corrupt messages
 * are passed over, except by `readRangeDecoded`, which yields them in their place.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import type { EventStore } from '../eventstore.js';
import { type DecodedEvent, isCorrupt, type LoggedEvent } from '@wharf/model';

/** What readRange reads. */
export interface RangeOptions {
  /** First sequence (inclusive, default 1). */
  from?: number;
  /** Last sequence (inclusive, default: the stream's last now). */
  to?: number;
  /** Subject filter(s) (default: every object). */
  filter?: string | string[];
  /** The last sequence that matches `filter`, when known (skips a bounds round-trip, ends early). */
  lastMatching?: number;
  signal?: AbortSignal;
}

/** The last sequence that matches `filter` (subjects with wildcards); 0 when none does. */
async function lastMatchingSeq(store: EventStore, filter: string | string[]): Promise<number> {
  let last = 0;
  for (const subject of [filter].flat()) {
    const m = await store.jsm.direct.getMessage(store.subjects.stream, { last_by_subj: subject });
    if (m) last = Math.max(last, m.seq);
  }
  return last;
}

/**
 * Yields the events in [from, to] that match the filter, oldest first, then ends. Reads up to the
 * last matching event (so a filter nothing matches ends at once, rather than waiting for new
 * events), or until the consumer reports nothing more pending.
 */
export async function* readRange(store: EventStore, o: RangeOptions = {}): AsyncGenerator<LoggedEvent> {
  for await (const d of readRangeDecoded(store, o)) if (!isCorrupt(d)) yield d;
}

/** Like `readRange`, but yields the corrupt messages of the range too, as CorruptEvents in their place. */
export async function* readRangeDecoded(store: EventStore, o: RangeOptions = {}): AsyncGenerator<DecodedEvent> {
  const from = Math.max(1, o.from ?? 1);
  let to = o.to ?? Infinity;
  if (o.lastMatching !== undefined) to = Math.min(to, o.lastMatching);
  else if (o.filter !== undefined) to = Math.min(to, await lastMatchingSeq(store, o.filter));
  else {
    const { last } = await store.bounds();
    to = Math.min(to, last);
  }
  if (to < from) return;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const e of store.readDecoded(from, o.filter ?? store.subjects.allObjects, abort.signal)) {
      if (e.seq > to) break;
      const { pending: _p, ...event } = e;
      yield event as DecodedEvent;
      if (e.seq >= to || e.pending === 0) break;
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    abort.abort();
  }
}

/** Every event of one subject (one object's whole history), oldest first. */
export async function subjectHistory(store: EventStore, subject: string, o: { from?: number; to?: number } = {}): Promise<LoggedEvent[]> {
  const last = await store.last(subject);
  if (!last) return [];
  const out: LoggedEvent[] = [];
  for await (const e of readRange(store, { ...o, filter: subject, lastMatching: last.seq })) out.push(e);
  return out;
}

/** The event at one sequence, or undefined when it is gone (retention), never existed or is corrupt. */
export async function eventAt(store: EventStore, seq: number): Promise<LoggedEvent | undefined> {
  try {
    const m = await store.jsm.direct.getMessage(store.subjects.stream, { seq });
    if (!m) return undefined;
    const d = store.decode(m.data, m.seq, m.subject);
    return isCorrupt(d) ? undefined : d;
  } catch {
    return undefined;
  }
}

/**
 * The last sequence appended at or before `time` (ms since epoch), by the stream's own
 * timestamps; 0 when the log starts later, the stream's last sequence when `time` is after it.
 */
export async function seqAtTime(store: EventStore, time: number): Promise<number> {
  const { first, last } = await store.bounds();
  if (last === 0) return 0;
  const c = await store.js.consumers.get(store.subjects.stream, {
    filter_subjects: store.subjects.allObjects,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(time + 1).toISOString(),
  });
  const m = await c.next({ expires: 2000 });
  await c.delete().catch(() => undefined);
  if (!m) return last;
  return Math.max(first - 1, m.seq - 1);
}
