/**
 * Writes for components that hold no full projection (the agent): read the object's latest
 * event straight from the stream, compute the change, append with that sequence, retry on a
 * concurrent write.
 */
import { StaleSequenceError, type EventStore } from './eventstore.js';
import type { WriteContext } from './objects.js';
import { type EventType, isDeletion, type KindInfo, type KObject, NotFoundError, objectOf, type StoredEvent } from '@wharf/model';

/** The latest live version of one object, read from the log, or undefined. */
export async function readObject<T extends KObject>(store: EventStore, info: KindInfo, namespace: string | undefined, name: string): Promise<T | undefined> {
  const last = await store.last(store.subjects.object(info, namespace, name));
  if (!last || isDeletion(last.type)) return undefined;
  return objectOf(last) as T;
}

/**
 * Applies `change` to the latest version of an object (or to undefined when it does not exist),
 * appending the result with optimistic concurrency. `change` returns undefined to write nothing.
 * Returns the object as stored (with its resourceVersion), or the unchanged current one.
 */
export async function mutateDirect<T extends KObject>(
  store: EventStore,
  info: KindInfo,
  namespace: string | undefined,
  name: string,
  change: (current: T | undefined) => { object: KObject; type: EventType } | undefined,
  ctx: WriteContext,
  attempts = 10,
): Promise<T | undefined> {
  const subject = store.subjects.object(info, namespace, name);
  for (let i = 0; ; i++) {
    const last = await store.last(subject);
    const current = last && !isDeletion(last.type) ? (objectOf(last) as T) : undefined;
    const next = change(current);
    if (!next) return current;
    const { resourceVersion: _rv, ...metadata } = next.object.metadata;
    const event: StoredEvent = {
      type: next.type,
      data: { ...next.object, metadata: metadata as KObject['metadata'] },
      metadata: { actor: ctx.actor, time: new Date().toISOString(), ...(ctx.cause !== undefined ? { cause: ctx.cause } : {}), ...(ctx.reason ? { reason: ctx.reason } : {}) },
    };
    try {
      const seq = await store.append(subject, event, last?.seq ?? 0);
      return { ...next.object, metadata: { ...next.object.metadata, resourceVersion: String(seq) } } as T;
    } catch (e) {
      if (!(e instanceof StaleSequenceError) || i + 1 >= attempts) throw e;
      await new Promise((r) => setTimeout(r, Math.min(100, 2 ** i)));
    }
  }
}

/** Like mutateDirect, but the object must exist. */
export async function updateDirect<T extends KObject>(
  store: EventStore,
  info: KindInfo,
  namespace: string | undefined,
  name: string,
  change: (current: T) => { object: KObject; type: EventType } | undefined,
  ctx: WriteContext,
): Promise<T> {
  let missing = false;
  const r = await mutateDirect<T>(store, info, namespace, name, (cur) => {
    if (!cur) {
      missing = true;
      return undefined;
    }
    return change(cur);
  }, ctx);
  if (missing || !r) throw new NotFoundError(info.resource, name);
  return r;
}
