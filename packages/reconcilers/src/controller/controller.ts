/**
 * A controller, modelled on controller-runtime: watches map projection changes to keys, a
 * work queue de-duplicates them, and workers call a level-based reconcile for each key. The
 * reconcile reads the whole current state from the projection and never sees the event itself.
 * An error (thrown or rejected) requeues the key with exponential back-off; a TerminalError is
 * logged and dropped; `requeueAfter` asks for a later run. Nothing a key does can crash the process.
 */
import type { Change, State } from '@wharf/model';
import type { Logger, Projection, WriteContext } from '@wharf/store';
import { WorkQueue, type QueueItem } from './queue.js';
import { everything, type Shard } from './shard.js';

/** What a reconcile may ask for: a run again after `requeueAfter` ms, or soon with back-off (`retry`, not logged as a failure). */
export interface Result {
  requeueAfter?: number;
  retry?: boolean;
}

/** What a reconcile knows besides its key. */
export interface ReconcileContext {
  key: string;
  /** Sequence of the latest event that enqueued the key (undefined for resyncs and retries of them). */
  cause?: number;
  /** actor `system:<controller>` and the cause, ready for Objects writes. */
  write: WriteContext;
  log: Logger;
  /** Failures of this key since its last success. */
  retries: number;
}

/** Outcome of one key in a batch: a Result, nothing, or the Error it failed with. */
export type Outcome = Result | void | Error;

/** An error after which retrying cannot help: logged and dropped, never requeued. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** Maps one change of the projection to the keys it should enqueue. */
export type Watch = (change: Change, state: State) => Iterable<string> | string | undefined;

/** How to build a controller. Give `reconcile` or `reconcileBatch`. */
export interface ControllerOptions {
  name: string;
  /** Where changes come from and the state a resync reads (a Projection). */
  projection: Pick<Projection, 'onChange' | 'state'>;
  log: Logger;
  watches: Watch[];
  /** Every key that should be reconciled on start (a full, level-based resync). */
  resync?: (state: State) => Iterable<string>;
  reconcile?: (key: string, ctx: ReconcileContext) => Promise<Result | void> | Result | void;
  /** Reconciles several keys at once (the scheduler plans a batch of pods together). */
  reconcileBatch?: (items: ReconcileContext[]) => Promise<Outcome[]>;
  /** Concurrent workers (default 1). */
  workers?: number;
  /** Keys per batch for reconcileBatch (default 512). */
  batchSize?: number;
  queue?: WorkQueue;
  /** Which keys this instance reconciles, when several share the work (default: all of them). */
  shard?: Shard;
}

/** A running controller. */
export class Controller {
  readonly queue: WorkQueue;
  readonly actor: string;
  readonly shard: Shard;
  /** Keys reconciled, and keys passed over because another instance owns them. */
  readonly stats = { reconciled: 0, passed: 0 };
  #unsubscribe: (() => void) | undefined;
  #unsubscribeShard: (() => void) | undefined;
  #workers: Promise<void>[] = [];

  constructor(readonly opts: ControllerOptions) {
    if (!opts.reconcile && !opts.reconcileBatch) throw new Error(`controller ${opts.name} needs reconcile or reconcileBatch`);
    this.queue = opts.queue ?? new WorkQueue();
    this.actor = `system:${opts.name}`;
    this.shard = opts.shard ?? everything;
  }

  /** Subscribes to the change feed, enqueues the full resync and starts the workers. */
  start(): void {
    const { projection, watches, log } = this.opts;
    this.#unsubscribe = projection.onChange((changes, state) => {
      for (const c of changes) {
        for (const w of watches) {
          try {
            const keys = w(c, state);
            if (typeof keys === 'string') this.#add(keys, c.seq);
            else if (keys) for (const k of keys) this.#add(k, c.seq);
          } catch (e) {
            log.error({ err: e, seq: c.seq }, 'watch failed to map a change');
          }
        }
      }
    });
    // Members came or went: the keys this instance owns changed, so look at all of its keys again.
    this.#unsubscribeShard = this.shard.onChange(() => this.resync());
    this.resync();
    for (let i = 0; i < (this.opts.workers ?? 1); i++) this.#workers.push(this.#work());
  }

  #add(key: string, cause?: number): void {
    if (this.shard.owns(key)) this.queue.add(key, cause);
    else this.stats.passed++;
  }

  /** Enqueues every key of the resync function that this instance owns. */
  resync(): void {
    if (!this.opts.resync) return;
    try {
      for (const k of this.opts.resync(this.opts.projection.state)) this.#add(k);
    } catch (e) {
      this.opts.log.error({ err: e }, 'resync failed');
    }
  }

  /** Stops taking keys and waits for the in-flight ones to finish. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribeShard?.();
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  #context(item: QueueItem): ReconcileContext {
    const write: WriteContext = { actor: this.actor };
    if (item.cause !== undefined) write.cause = item.cause;
    const log = this.opts.log.child({ key: item.key, ...(item.cause !== undefined ? { cause: item.cause } : {}) });
    return { key: item.key, ...(item.cause !== undefined ? { cause: item.cause } : {}), write, log, retries: this.queue.retries(item.key) };
  }

  async #work(): Promise<void> {
    const batch = this.opts.reconcileBatch ? (this.opts.batchSize ?? 512) : 1;
    for (;;) {
      const got = await this.queue.get(batch);
      if (!got) return;
      // Keys may arrive from elsewhere (retries, other watches) or the members changed since.
      const items: QueueItem[] = [];
      for (const i of got) {
        if (this.shard.owns(i.key)) items.push(i);
        else {
          this.stats.passed++;
          this.queue.forget(i.key);
          this.queue.done(i.key);
        }
      }
      if (!items.length) continue;
      this.stats.reconciled += items.length;
      const ctxs = items.map((i) => this.#context(i));
      const outcomes = await this.#run(ctxs);
      ctxs.forEach((ctx, i) => this.#settle(ctx, outcomes[i]));
    }
  }

  async #run(ctxs: ReconcileContext[]): Promise<Outcome[]> {
    if (this.opts.reconcileBatch) {
      try {
        return await this.opts.reconcileBatch(ctxs);
      } catch (e) {
        return ctxs.map(() => asError(e));
      }
    }
    const ctx = ctxs[0]!;
    try {
      return [await this.opts.reconcile!(ctx.key, ctx)];
    } catch (e) {
      return [asError(e)];
    }
  }

  #settle(ctx: ReconcileContext, outcome: Outcome): void {
    const { key } = ctx;
    try {
      if (outcome instanceof TerminalError) {
        ctx.log.error({ err: outcome }, 'reconcile failed for good; dropping the key');
        this.queue.forget(key);
      } else if (outcome instanceof Error) {
        ctx.log.warn({ err: outcome, retries: this.queue.retries(key) }, 'reconcile failed; requeued with back-off');
        this.queue.addRateLimited(key, ctx.cause);
      } else if (outcome?.retry) {
        this.queue.addRateLimited(key, ctx.cause);
      } else {
        this.queue.forget(key);
        if (outcome?.requeueAfter !== undefined) this.queue.addAfter(key, outcome.requeueAfter, ctx.cause);
      }
    } finally {
      this.queue.done(key);
    }
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
