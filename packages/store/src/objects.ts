/**
 * The one write path of the control plane (the API server, the reconcilers and the agent): read
 * the object's current version, let a pure decision choose the next one, append it as an event
 * that expects the subject sequence read, and on a lost race read and decide again
 * (retryOnConflict). With a projection, reads come from it and a write waits until it shows the
 * result (read-your-writes); without one (the agent), reads go to the log.
 */
import { randomUUID } from 'node:crypto';
import { DuplicateAppendError, StaleSequenceError } from './appenderrors.js';
import type { EventStore } from './eventstore.js';
import type { Projection } from './projection.js';
import { appendId, isOwnCreation } from './dedup.js';
import { isOutage, OUTAGE_BUDGET_MS, outagePause } from './outage.js';
import { AlreadyExistsError, ConflictError, type Decide, decidedType, type EventType, isCreation, isDeletion, type KindInfo, type KObject, objectOf, retryOnConflict, type RetryOptions, rvOf, type StoredEvent } from '@wharf/model';

/** Who writes, why, and when. */
export interface WriteContext {
  actor: string;
  /** Sequence of the event that caused this write (reconcilers, the agent). */
  cause?: number;
  reason?: string;
  /** The write's clock (default: the system clock): decisions and the event's time read it. */
  clock?: () => Date;
  /**
   * The key of the client request this write serves (dedup.ts `requestKey`). A retry of the
   * request is then recognized and answered with what the first one stored, not 409: its
   * appends carry the key in their de-duplication id, and a create finds the object it made by
   * its uid (which the caller made with `taggedUid`).
   */
  request?: string | undefined;
}

/** What the write path needs of the event store. */
export type ObjectLog = Pick<EventStore, 'append' | 'tail' | 'successor' | 'subjects'>;

/** Tuning of Objects: the conflict retries (tests inject their sleep) and how long an outage of the log is ridden out. */
export type ObjectsOptions = Omit<RetryOptions, 'retriable'> & { outageBudgetMs?: number };

/** Where an append landed, and the event stored there when it was someone's earlier send of the same write. */
interface Landed {
  seq: number;
  stored: StoredEvent | undefined;
}

/** What the write path needs of a projection. */
export type ObjectView = Pick<Projection, 'get' | 'sync' | 'waitFor'>;

/** Options of one change. */
export interface ChangeOptions<T extends KObject> {
  /** Take the object as absent on the first attempt, without reading (creations of fresh names). */
  assumeNew?: boolean;
  /** Runs around each append (e.g. reserving what the next version claims); must call `append`. */
  around?: <R>(current: T | undefined, next: KObject, append: () => Promise<R>) => Promise<R>;
}

const systemClock = () => new Date();

/** The event of a write; the fields the log derives (resourceVersion: the sequence) are left out. */
function eventOf(type: EventType, object: KObject, ctx: WriteContext, now: Date): StoredEvent {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  const meta: StoredEvent['metadata'] = { actor: ctx.actor, time: now.toISOString() };
  if (ctx.cause !== undefined) meta.cause = ctx.cause;
  if (ctx.reason) meta.reason = ctx.reason;
  return { type, data: { ...object, metadata: metadata as KObject['metadata'] }, metadata: meta };
}

/** Object-level writes on top of the event store and, where there is one, a projection. */
export class Objects {
  /** `retry` tunes the conflict retries (tests inject their sleep) and the outage budget; which errors are retried is fixed. */
  constructor(
    readonly store: ObjectLog,
    readonly projection?: ObjectView,
    readonly retry: ObjectsOptions = {},
  ) {}

  /**
   * The one read-decide-append step: reads the current version (undefined when there is none),
   * calls `decide`, appends its decision as an event (its type derived when the decision names
   * none) expecting the sequence read, and on a concurrent write reads and decides again, up to
   * DEFAULT_RETRY; then ConflictError. Errors `decide` throws end it at once. Returns the object as
   * stored, or the current version (maybe undefined) when `decide` wrote nothing.
   */
  async change<T extends KObject>(info: KindInfo, namespace: string | undefined, name: string, decide: Decide<T>, ctx: WriteContext, opts: ChangeOptions<T> = {}): Promise<T | undefined> {
    const subject = this.store.subjects.object(info, namespace, name);
    const clock = ctx.clock ?? systemClock;
    const step = async (attempt: number): Promise<T | undefined> => {
      const { current, seq } = attempt === 0 && opts.assumeNew ? { current: undefined, seq: 0 } : await this.#read<T>(info, namespace, name, subject, attempt > 0);
      const now = clock();
      const d = decide(current, now);
      if (!d) return current;
      const event = eventOf(decidedType(info.kind, current, d), d.object, d.reason ? { ...ctx, reason: d.reason } : ctx, now);
      const append = () => this.#append<T>(info, subject, event, seq, ctx);
      return opts.around ? opts.around(current, d.object, append) : append();
    };
    try {
      const { outageBudgetMs: _budget, ...retry } = this.retry;
      return await retryOnConflict(step, { ...retry, retriable: (e) => e instanceof StaleSequenceError });
    } catch (e) {
      if (e instanceof StaleSequenceError) throw new ConflictError(info.resource, name);
      throw e;
    }
  }

  /**
   * Appends a creation event. Fails with AlreadyExists when a live object has the name, unless
   * `ctx.request` made it (a retry of the create: isOwnCreation), which returns it as it is. A
   * name that was used before and deleted can be used again.
   */
  async create<T extends KObject>(info: KindInfo, object: KObject, ctx: WriteContext, type: EventType = `${info.kind}Created`): Promise<T> {
    const { namespace, name } = object.metadata;
    const decide: Decide<T> = (current, now) => {
      if (current && ctx.request && isOwnCreation(current, ctx.request, now)) return undefined;
      if (current) throw new AlreadyExistsError(info.resource, name);
      return { object, type };
    };
    return (await this.change<T>(info, namespace, name, decide, ctx, { assumeNew: true }))!;
  }

  /**
   * Appends a change to an existing object, expected to be at resourceVersion `expectedRv`; one
   * attempt (a reconciler requeues). Throws ConflictError when the object moved on since; corrupt
   * messages after `expectedRv` are no move (the append then expects the last of them).
   */
  async update<T extends KObject>(info: KindInfo, object: KObject, expectedRv: number, type: EventType, ctx: WriteContext): Promise<T> {
    const { namespace, name } = object.metadata;
    const subject = this.store.subjects.object(info, namespace, name);
    const event = eventOf(type, object, ctx, (ctx.clock ?? systemClock)());
    try {
      return await this.#append<T>(info, subject, event, expectedRv, ctx);
    } catch (e) {
      if (!(e instanceof StaleSequenceError)) throw e;
      const tail = await this.store.tail(subject);
      if ((tail.event?.seq ?? 0) !== expectedRv || tail.seq <= expectedRv) throw new ConflictError(info.resource, name);
      try {
        return await this.#append<T>(info, subject, event, tail.seq, ctx);
      } catch (again) {
        if (again instanceof StaleSequenceError) throw new ConflictError(info.resource, name);
        throw again;
      }
    }
  }

  /** Appends the deletion of an object that is at `expectedRv`; the event carries its last state. */
  async remove<T extends KObject>(info: KindInfo, object: KObject, expectedRv: number, ctx: WriteContext, type: EventType = `${info.kind}Deleted`): Promise<T> {
    return this.update<T>(info, object, expectedRv, type, ctx);
  }

  /**
   * The current version and the subject sequence an append must expect. A projection is synced
   * first on a retry (`fresh`); an object it does not show is looked up in the log then, so that a
   * name used before (or written since) is seen. The log's answer also tells a retry whether
   * corrupt messages (which no projection shows) followed the current version: the append must
   * expect the last of them.
   */
  async #read<T extends KObject>(info: KindInfo, namespace: string | undefined, name: string, subject: string, fresh: boolean): Promise<{ current: T | undefined; seq: number }> {
    if (this.projection) {
      if (fresh) await this.projection.sync();
      const current = this.projection.get<T>(info.kind, namespace, name);
      if (current && !fresh) return { current, seq: rvOf(current) };
      if (!fresh) return { current: undefined, seq: 0 };
      if (current) {
        const tail = await this.store.tail(subject);
        return { current, seq: tail.event?.seq === rvOf(current) ? tail.seq : rvOf(current) };
      }
    }
    const { event: last, seq } = await this.store.tail(subject);
    return { current: last && !isDeletion(last.type) ? (objectOf(last) as T) : undefined, seq };
  }

  /**
   * The object that the write `request` stored as the next version after `expectedRv`, or
   * undefined when that version is someone else's (or there is none): how a retried update whose
   * precondition the first send already used up finds its own result.
   */
  async recall<T extends KObject>(info: KindInfo, namespace: string | undefined, name: string, expectedRv: number, request: string): Promise<T | undefined> {
    const subject = this.store.subjects.object(info, namespace, name);
    const next = await this.store.successor(subject, expectedRv);
    if (!next?.event || next.msgId !== appendId(request, expectedRv)) return undefined;
    return this.#shown<T>(info, next.event, next.seq);
  }

  /** Appends `event` expecting `expected`; returns the object as stored (as the projection shows it, once it does). */
  async #append<T extends KObject>(info: KindInfo, subject: string, event: StoredEvent, expected: number, ctx: WriteContext): Promise<T> {
    const basis = this.#basis(event, ctx);
    const landed = await this.#land(subject, event, expected, appendId(basis, expected), basis === ctx.request);
    return this.#shown<T>(info, landed.stored ?? event, landed.seq);
  }

  /**
   * The first part of an append's de-duplication id. A request's creation: the new object's uid,
   * which its caller made from the request (taggedUid) with a random part, so a retry of the
   * request is told by the uid's tag (isOwnCreation) and a name deleted and created again is
   * never taken for the old one. A request's other writes: the request's key. Any other write: a
   * nonce for this call alone (its own re-sends are all it can be confused with).
   */
  #basis(event: StoredEvent, ctx: WriteContext): string {
    if (!ctx.request) return randomUUID();
    return isCreation(event.type) ? (event.data.metadata.uid ?? randomUUID()) : ctx.request;
  }

  /**
   * Sends the append until the log answers. An outage (no answer in time, no stream leader, a lost
   * connection) sends it again, with the same id and expected sequence, so at most one lands; a
   * refusal (the subject moved on, or the id is stored already) looks up the subject's next
   * message after `expected` when this write may have landed before (an earlier send of this
   * call, or of the same request when `shared`): when it carries `id`, that is this write.
   */
  async #land(subject: string, event: StoredEvent, expected: number, id: string, shared: boolean): Promise<Landed> {
    const deadline = Date.now() + (this.retry.outageBudgetMs ?? OUTAGE_BUDGET_MS);
    const sleep = this.retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = this.retry.random ?? Math.random;
    for (let attempt = 0; ; attempt++) {
      try {
        try {
          return { seq: await this.store.append(subject, event, expected, id), stored: undefined };
        } catch (e) {
          const duplicate = e instanceof DuplicateAppendError && e.seq > 0;
          if (!(e instanceof StaleSequenceError) && !duplicate) throw e;
          if (!duplicate && !shared && attempt === 0) throw e;
          const next = await this.store.successor(subject, expected);
          if (next?.msgId === id) return { seq: next.seq, stored: next.event };
          throw new StaleSequenceError(subject, expected);
        }
      } catch (e) {
        if (!isOutage(e) || Date.now() >= deadline) throw e;
        await sleep(outagePause(attempt, random()));
      }
    }
  }

  /** The object `event` stored at `seq`, as the projection shows it once it has folded it (when there is one). */
  async #shown<T extends KObject>(info: KindInfo, event: StoredEvent, seq: number): Promise<T> {
    const stored = { ...event.data, metadata: { ...event.data.metadata, resourceVersion: String(seq) } } as T;
    if (!this.projection) return stored;
    await this.projection.waitFor(seq);
    const seen = this.projection.get<T>(info.kind, stored.metadata.namespace, stored.metadata.name);
    // Deleted, or already changed again by someone else: report what this write stored.
    return seen && rvOf(seen) === seq ? seen : stored;
  }
}
