/**
 * History entries: one logged event as the history tools show it (revision, time, type, actor,
 * cause, reason, which object, a compact diff) and the audit filters over them. A corrupt
 * message (see eventgate.ts) gets an entry of type `CorruptEvent` with its subject and reason. Pure.
 */
import { type CorruptEvent, type DecodedEvent, isCorrupt } from '../eventgate.js';
import type { LoggedEvent } from '../events.js';
import { isDeletion } from '../events.js';
import { kindByToken } from '../kinds.js';
import type { KObject } from '../object.js';
import { objectOf } from '../state.js';
import { decodeToken } from '../subjects.js';
import { compactDiff } from './diff.js';

/** One event of the log as the history API returns it. */
export interface HistoryEntry {
  revision: number;
  time: string;
  type: string;
  actor: string;
  cause?: number;
  reason?: string;
  kind: string;
  namespace: string;
  name: string;
  /** A compact diff from the previous version (`spec.replicas: 5 → 8`); '' when unknown or none. */
  change: string;
  /** The object after the event (for a deletion, as it was removed); absent on a CorruptEvent entry. */
  object?: KObject;
  /** On a CorruptEvent entry: the subject the message was appended to (`reason` says what is wrong). */
  subject?: string;
}

/** The type of the entry of a message the gate set aside. */
export const CORRUPT_ENTRY_TYPE = 'CorruptEvent';

/** True for the entry of a corrupt message (it has no object and is no event). */
export function isCorruptEntry(entry: HistoryEntry): boolean {
  return entry.type === CORRUPT_ENTRY_TYPE;
}

/** The kind, namespace and name a subject names (as far as it names them; '' where it does not). */
function subjectIdentity(subject: string): { kind: string; namespace: string; name: string } {
  const p = subject.split('.');
  if (p.length !== 6 || p[2] !== 'obj') return { kind: '', namespace: '', name: '' };
  return { kind: kindByToken(p[3]!)?.kind ?? p[3]!, namespace: p[4] === '_' ? '' : decodeToken(p[4]!), name: decodeToken(p[5]!) };
}

/** The entry of a corrupt message: type CorruptEvent, the object its subject names, the reason; no time, actor or object. */
export function corruptEntry(c: CorruptEvent): HistoryEntry {
  return { revision: c.seq, time: '', type: CORRUPT_ENTRY_TYPE, actor: '', reason: c.reason, ...subjectIdentity(c.subject), change: '', subject: c.subject };
}

/** The entry of `e`, diffed against `previous` (the object's version before it, if known). */
export function toEntry(e: LoggedEvent, previous: KObject | undefined): HistoryEntry & { object: KObject } {
  const object = objectOf(e);
  let change = '';
  if (isDeletion(e.type)) change = 'deleted';
  else if (previous) change = compactDiff(previous, object);
  else if (e.type.endsWith('Created') || e.type === 'NodeRegistered') change = 'created';
  const entry: HistoryEntry & { object: KObject } = {
    revision: e.seq,
    time: e.metadata.time,
    type: e.type,
    actor: e.metadata.actor,
    kind: e.data.kind,
    namespace: e.data.metadata.namespace ?? '',
    name: e.data.metadata.name,
    change,
    object,
  };
  if (e.metadata.cause !== undefined) entry.cause = e.metadata.cause;
  if (e.metadata.reason) entry.reason = e.metadata.reason;
  return entry;
}

/** Entries of a sequence of events, each diffed against the previous event of the same object in the list. */
export function toEntries(events: Iterable<LoggedEvent>): HistoryEntry[] {
  const last = new Map<string, KObject>();
  const out: HistoryEntry[] = [];
  for (const e of events) {
    const prev = last.get(e.subject);
    const entry = toEntry(e, prev);
    if (isDeletion(e.type)) last.delete(e.subject);
    else last.set(e.subject, entry.object);
    out.push(entry);
  }
  return out;
}

/** Filters of the audit log; bounds are inclusive. Times are ms since epoch. */
export interface AuditFilter {
  fromRevision?: number;
  toRevision?: number;
  sinceTime?: number;
  untilTime?: number;
  /** Exact actor, or a prefix ending in '*' ("system:*"). */
  actor?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** Only events of these types. */
  types?: readonly string[];
}

/**
 * True when `e` passes every filter that is set. A corrupt message has no time and no actor: it
 * passes time filters (its place in the log decides) and fails an actor filter; its kind,
 * namespace and name are the ones its subject names.
 */
export function matchesAudit(e: DecodedEvent, f: AuditFilter): boolean {
  if (f.fromRevision !== undefined && e.seq < f.fromRevision) return false;
  if (f.toRevision !== undefined && e.seq > f.toRevision) return false;
  if (isCorrupt(e)) return matchesCorrupt(e, f);
  if (f.sinceTime !== undefined || f.untilTime !== undefined) {
    const t = Date.parse(e.metadata.time);
    if (f.sinceTime !== undefined && t < f.sinceTime) return false;
    if (f.untilTime !== undefined && t > f.untilTime) return false;
  }
  if (f.actor !== undefined) {
    const a = e.metadata.actor;
    if (f.actor.endsWith('*') ? !a.startsWith(f.actor.slice(0, -1)) : a !== f.actor) return false;
  }
  if (f.kind !== undefined && e.data.kind !== f.kind) return false;
  if (f.namespace !== undefined && (e.data.metadata.namespace ?? '') !== f.namespace) return false;
  if (f.name !== undefined && e.data.metadata.name !== f.name) return false;
  if (f.types !== undefined && !f.types.includes(e.type)) return false;
  return true;
}

function matchesCorrupt(c: CorruptEvent, f: AuditFilter): boolean {
  const id = subjectIdentity(c.subject);
  if (f.actor !== undefined) return false;
  if (f.kind !== undefined && id.kind !== f.kind) return false;
  if (f.namespace !== undefined && id.namespace !== f.namespace) return false;
  if (f.name !== undefined && id.name !== f.name) return false;
  return f.types === undefined || f.types.includes(CORRUPT_ENTRY_TYPE);
}

/**
 * The logged event an entry was made from (for replaying a recorded audit log); the subject is
 * `kind/namespace/name`. Throws for a CorruptEvent entry (no event: filter with isCorruptEntry).
 */
export function entryToEvent(entry: HistoryEntry): LoggedEvent {
  if (!entry.object) throw new Error(`the entry at revision ${entry.revision} (${entry.type}) carries no object`);
  const metadata: LoggedEvent['metadata'] = { actor: entry.actor, time: entry.time };
  if (entry.cause !== undefined) metadata.cause = entry.cause;
  if (entry.reason) metadata.reason = entry.reason;
  return { type: entry.type as LoggedEvent['type'], data: entry.object, metadata, seq: entry.revision, subject: `${entry.kind}/${entry.namespace}/${entry.name}` };
}
