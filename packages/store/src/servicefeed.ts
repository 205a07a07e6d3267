/**
 * Follows the Services and Endpoints of one cluster from the event log with a filtered ordered
 * consumer (no pods, no other kinds), folds them with core's `evolve`, and hands each new state
 * to a listener, one call per batch of events. A failed read is resumed after the last folded
 * sequence. The proxy routes by it; the agent reads from it whether a terminating pod is still
 * an endpoint. Two feeds that folded up to the same sequence hold the same state. Given other
 * kinds (the agent's Nodes, for its routes), it folds those instead.
 */
import { emptyState, evolve, type KindInfo, type LoggedEvent, mustKind, type State } from '@wharf/model';
import type { EventStore } from './eventstore.js';
import type { Logger } from './logger.js';

/** Receives the state after each batch. */
export type FeedListener = (state: State) => void;

/** A live, filtered view of Services and Endpoints. */
export class ServiceFeed {
  #state: State = emptyState();
  #pending: LoggedEvent[] = [];
  #scheduled = false;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();
  /** The sequence of the last Service or Endpoints event in the log when the feed started; -1 until known. */
  #syncTo = -1;
  #synced = false;

  constructor(
    readonly store: EventStore,
    readonly log: Logger,
    readonly onState: FeedListener,
    readonly kinds: readonly KindInfo[] = [mustKind('Service'), mustKind('Endpoints')],
  ) {}

  /** The current state (the feed's kinds only); its `seq` is the last event of those kinds folded. */
  get state(): State {
    return this.#state;
  }

  /** True once the state holds every event of the feed's kinds the log had when the feed started. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Starts following the log. */
  start(): void {
    this.#done = this.#follow();
  }

  #filter(): string[] {
    return this.kinds.map((k) => this.store.subjects.kind(k));
  }

  async #follow(): Promise<void> {
    const filter = this.#filter();
    while (!this.#abort.signal.aborted) {
      try {
        if (this.#syncTo < 0) {
          this.#syncTo = Math.max(0, ...(await Promise.all(filter.map((f) => this.store.lastSeq(f)))));
          this.#checkSynced();
        }
        for await (const e of this.store.read(this.#lastSeq() + 1, filter, this.#abort.signal)) {
          this.#pending.push(e);
          if (!this.#scheduled) {
            this.#scheduled = true;
            setImmediate(() => this.#flush());
          }
        }
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        this.log.warn({ err: (err as Error).message }, 'reading the log failed; resuming');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  #lastSeq(): number {
    return this.#pending.length ? this.#pending[this.#pending.length - 1]!.seq : this.#state.seq;
  }

  /** Marks the feed synced once it folded up to the start's last event; tells the listener (an empty log brings no batch). */
  #checkSynced(): void {
    if (this.#synced || this.#syncTo < 0 || this.#state.seq < this.#syncTo) return;
    this.#synced = true;
    if (this.#state.seq === 0) this.#notify();
  }

  #flush(): void {
    this.#scheduled = false;
    if (!this.#pending.length) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#state = evolve(this.#state, batch).state;
    this.#checkSynced();
    this.#notify();
  }

  #notify(): void {
    try {
      this.onState(this.#state);
    } catch (err) {
      this.log.error({ err }, 'applying the state failed');
    }
  }

  /** Stops following. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done.catch(() => undefined);
  }
}
