/**
 * The write path shared by the API server and the reconcilers: create, update and delete of
 * one object as an append to its subject with the expected sequence, then a wait until the
 * projection shows the write (read-your-writes).
 */
import { StaleSequenceError, type EventStore } from './eventstore.js';
import type { Projection } from './projection.js';
import { AlreadyExistsError, ConflictError, type EventType, isDeletion, type KindInfo, type KObject, NotFoundError, rvOf, type StoredEvent } from '@wharf/model';

/** Who writes, and why. */
export interface WriteContext {
  actor: string;
  /** Sequence of the event that caused this write (reconcilers). */
  cause?: number;
  reason?: string;
}

/** Removes the fields the log derives (resourceVersion comes from the sequence). */
function stripDerived(o: KObject): KObject {
  if (o.metadata.resourceVersion === undefined) return o;
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  return { ...o, metadata: metadata as KObject['metadata'] };
}

/** Object-level writes on top of the event store and a projection. */
export class Objects {
  constructor(readonly store: EventStore, readonly projection: Projection) {}

  #event(type: EventType, object: KObject, ctx: WriteContext): StoredEvent {
    const metadata: StoredEvent['metadata'] = { actor: ctx.actor, time: new Date().toISOString() };
    if (ctx.cause !== undefined) metadata.cause = ctx.cause;
    if (ctx.reason) metadata.reason = ctx.reason;
    return { type, data: stripDerived(object), metadata };
  }

  async #appended<T extends KObject>(info: KindInfo, object: KObject, seq: number): Promise<T> {
    await this.projection.waitFor(seq);
    const seen = this.projection.get<T>(info.kind, object.metadata.namespace, object.metadata.name);
    if (seen && rvOf(seen) === seq) return seen;
    // Deleted, or already changed again by someone else: report what this write stored.
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(seq) } } as T;
  }

  /**
   * Appends a creation event. Fails with AlreadyExists when a live object has the name. A name
   * that was used before and deleted can be used again.
   */
  async create<T extends KObject>(info: KindInfo, object: KObject, ctx: WriteContext, type: EventType = `${info.kind}Created`, msgID?: string): Promise<T> {
    const subject = this.store.subjects.object(info, object.metadata.namespace, object.metadata.name);
    let expected = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const seq = await this.store.append(subject, this.#event(type, object, ctx), expected, msgID);
        return await this.#appended<T>(info, object, seq);
      } catch (e) {
        if (!(e instanceof StaleSequenceError)) throw e;
        const last = await this.store.last(subject);
        if (last && !isDeletion(last.type)) throw new AlreadyExistsError(info.resource, object.metadata.name);
        expected = last?.seq ?? 0;
      }
    }
    throw new ConflictError(info.resource, object.metadata.name, 'too many concurrent writes; try again');
  }

  /**
   * Appends a change to an existing object, expected to be at resourceVersion `expectedRv`.
   * Throws ConflictError when the object moved on since.
   */
  async update<T extends KObject>(info: KindInfo, object: KObject, expectedRv: number, type: EventType, ctx: WriteContext): Promise<T> {
    const subject = this.store.subjects.object(info, object.metadata.namespace, object.metadata.name);
    try {
      const seq = await this.store.append(subject, this.#event(type, object, ctx), expectedRv);
      return await this.#appended<T>(info, object, seq);
    } catch (e) {
      if (e instanceof StaleSequenceError) throw new ConflictError(info.resource, object.metadata.name);
      throw e;
    }
  }

  /**
   * Reads the current object, lets `change` compute the next one, and appends it; on a
   * concurrent write it re-reads and tries again. `change` returns undefined to write nothing.
   */
  async mutate<T extends KObject>(
    info: KindInfo,
    namespace: string | undefined,
    name: string,
    change: (current: T) => { object: KObject; type: EventType } | undefined,
    ctx: WriteContext,
    attempts = 8,
  ): Promise<T> {
    for (let i = 0; ; i++) {
      const current = this.projection.get<T>(info.kind, namespace, name);
      if (!current) throw new NotFoundError(info.resource, name);
      const next = change(current);
      if (!next) return current;
      try {
        if (isDeletion(next.type)) return await this.remove<T>(info, next.object, rvOf(current), ctx, next.type);
        return await this.update<T>(info, next.object, rvOf(current), next.type, ctx);
      } catch (e) {
        if (!(e instanceof ConflictError) || i + 1 >= attempts) throw e;
        await this.projection.sync();
      }
    }
  }

  /** Appends the deletion of an object that is at `expectedRv`; the event carries its last state. */
  async remove<T extends KObject>(info: KindInfo, object: KObject, expectedRv: number, ctx: WriteContext, type: EventType = `${info.kind}Deleted`): Promise<T> {
    return this.update<T>(info, object, expectedRv, type, ctx);
  }
}
