/**
 * Follows the Services and Endpoints of one cluster from the event log with a filtered ordered
 * consumer (no pods, no other kinds), folds them with core's `evolve`, and hands each new state
 * to a listener, one call per batch of events. A failed read is resumed after the last folded
 * sequence.
 */
import { emptyState, evolve, type LoggedEvent, mustKind, type State } from '@wharf/model';
import type { EventStore, Logger } from '@wharf/store';

/** Receives the state after each batch. */
export type FeedListener = (state: State) => void;

/** A live, filtered view of Services and Endpoints. */
export class ServiceFeed {
  #state: State = emptyState();
  #pending: LoggedEvent[] = [];
  #scheduled = false;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(readonly store: EventStore, readonly log: Logger, readonly onState: FeedListener) {}

  /** The current state (Services and Endpoints only). */
  get state(): State {
    return this.#state;
  }

  /** Starts following the log. */
  start(): void {
    this.#done = this.#follow();
  }

  async #follow(): Promise<void> {
    const s = this.store.subjects;
    const filter = [s.kind(mustKind('Service')), s.kind(mustKind('Endpoints'))];
    while (!this.#abort.signal.aborted) {
      try {
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

  #flush(): void {
    this.#scheduled = false;
    if (!this.#pending.length) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#state = evolve(this.#state, batch).state;
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
