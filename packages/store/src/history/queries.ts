/**
 * History queries over the stream: one object's history, `why` (walking causes with direct
 * gets), and the Kubernetes Events derived from an object's (or a recent window's) events.
 */
import type { EventStore } from '../eventstore.js';
import { eventAt, readRange, subjectHistory } from './read.js';
import { deriveAll, type Event, explain, type HistoryEntry, isCreation, isDeletion, kindInfo, type KindInfo, type KObject, type LoggedEvent, mustKind, NotFoundError, type Stored, toEntries, type WhyAnswer } from '@wharf/model';

/** Every change to one object, oldest first (all its lives, when the name was reused); 404 when it never existed or aged out. */
export async function objectHistory(store: EventStore, info: KindInfo, namespace: string | undefined, name: string): Promise<HistoryEntry[]> {
  const events = await subjectHistory(store, store.subjects.object(info, namespace, name));
  if (events.length === 0) throw new NotFoundError(info.resource, name);
  return toEntries(events);
}

/** Follows `cause` links from `start`, at most `max` steps, stopping at a missing or repeated event. */
export async function causeChain(store: EventStore, start: LoggedEvent, max = 32): Promise<LoggedEvent[]> {
  const chain = [start];
  const seen = new Set([start.seq]);
  let cur = start;
  while (cur.metadata.cause !== undefined && chain.length < max && !seen.has(cur.metadata.cause)) {
    const next = await eventAt(store, cur.metadata.cause);
    if (!next) break;
    chain.push(next);
    seen.add(next.seq);
    cur = next;
  }
  return chain;
}

/** The owner's last change by a user (not a `system:` component) at or before `seq`. */
async function ownerAction(store: EventStore, o: KObject, seq: number): Promise<LoggedEvent | undefined> {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
  const info = ref ? kindInfo(ref.kind) : undefined;
  if (!ref || !info) return undefined;
  const events = await subjectHistory(store, store.subjects.object(info, o.metadata.namespace, ref.name), { to: seq });
  const users = events.filter((e) => e.seq <= seq && !e.metadata.actor.startsWith('system:'));
  return users[users.length - 1];
}

/**
 * Why the object exists: its latest creation, the chain of causes behind it and its owner's user
 * action; and when it is gone, the chain of causes behind its deletion.
 */
export async function whyObject(store: EventStore, info: KindInfo, namespace: string | undefined, name: string): Promise<WhyAnswer> {
  const events = await subjectHistory(store, store.subjects.object(info, namespace, name));
  const creation = [...events].reverse().find((e) => isCreation(e.type)) ?? events[0];
  if (!creation) throw new NotFoundError(info.resource, name);
  const chain = await causeChain(store, creation);
  const last = events[events.length - 1]!;
  const deletion = isDeletion(last.type) && last.seq > creation.seq ? await causeChain(store, last) : [];
  return explain(chain, await ownerAction(store, creation.data, creation.seq), deletion);
}

/** Which Kubernetes Events to derive: the involved object, or a recent window of the log. */
export interface DerivedEventQuery {
  /** Only events in this namespace (undefined: all). */
  namespace?: string | undefined;
  involvedKind?: string | undefined;
  involvedName?: string | undefined;
  /** Without an involved name, derive from this many of the latest log events (default 20,000). */
  window?: number;
}

/**
 * Derives Events: for one involved object from its whole history, however old (an RC's from
 * its namespace's pod events); otherwise from the latest `window` events of the log.
 */
export async function derivedEvents(store: EventStore, q: DerivedEventQuery): Promise<Stored<Event>[]> {
  const Pod = mustKind('Pod');
  const kinds = q.involvedKind ? [q.involvedKind] : ['Pod', 'Node', 'ReplicationController'];
  let events: Stored<Event>[] = [];
  if (q.involvedName) {
    for (const kind of kinds) {
      const info = kindInfo(kind);
      if (!info) continue;
      if (kind === 'ReplicationController') {
        if (!q.namespace) continue;
        const list: LoggedEvent[] = [];
        for await (const e of readRange(store, { filter: store.subjects.kind(Pod, q.namespace) })) list.push(e);
        events.push(...deriveAll(list));
      } else {
        events.push(...deriveAll(await subjectHistory(store, store.subjects.object(info, q.namespace ?? 'default', q.involvedName))));
      }
    }
    events = events.filter((ev) => ev.involvedObject.name === q.involvedName && kinds.includes(ev.involvedObject.kind ?? ''));
  } else {
    const { first, last } = await store.bounds();
    const list: LoggedEvent[] = [];
    for await (const e of readRange(store, { from: Math.max(first, last - (q.window ?? 20_000) + 1), to: last })) list.push(e);
    events = deriveAll(list).filter((ev) => !q.involvedKind || ev.involvedObject.kind === q.involvedKind);
  }
  return q.namespace ? events.filter((ev) => ev.metadata.namespace === q.namespace) : events;
}
