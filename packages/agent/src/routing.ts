/**
 * What the agent sees of routing, for the termination ordering (`drain.ts`): the cluster's
 * Services and Endpoints folded from the log (the same feed the proxies route by) and the
 * proxies' acknowledgements from their bucket, each stamped with the agent's clock when it came.
 * Calls `onChange` after every change of either.
 */
import { type Endpoints, listObjects, type Service } from '@wharf/model';
import { type EventStore, type Logger, type ProxyAcks, ServiceFeed } from '@wharf/store';
import type { RoutingView, SeenAck } from './drain.js';

/** The routing view of one agent. */
export class RoutingObserver {
  readonly #feed: ServiceFeed;
  readonly #acks = new Map<string, SeenAck>();
  #acksSynced = false;
  readonly #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(store: EventStore, readonly bucket: ProxyAcks, readonly log: Logger, readonly onChange: () => void) {
    this.#feed = new ServiceFeed(store, log, () => onChange());
  }

  /** Starts following the log and the bucket. */
  start(): void {
    this.#feed.start();
    this.#done = this.#follow();
  }

  async #follow(): Promise<void> {
    for (;;) {
      try {
        for await (const c of this.bucket.watch(this.#abort.signal)) {
          if (c === undefined) this.#acksSynced = true;
          else if (c.ack) this.#acks.set(c.node, { node: c.node, seq: c.ack.seq, draining: c.ack.draining, intervalMs: c.ack.intervalMs, receivedAt: Date.now() });
          else this.#acks.delete(c.node);
          this.onChange();
        }
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        this.log.warn({ err: (err as Error).message }, 'proxy acknowledgement watch failed; watching again');
      }
      if (this.#abort.signal.aborted) return;
      // A new watch lists the bucket afresh.
      this.#acksSynced = false;
      this.#acks.clear();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** The Services of the cluster as folded now, and whether they hold the whole log yet (their variables go into containers). */
  services(): { synced: boolean; services: Service[] } {
    return { synced: this.#feed.synced, services: listObjects(this.#feed.state, 'Service') as Service[] };
  }

  /** The view now (plain data for `stopGate`). */
  view(): RoutingView {
    const state = this.#feed.state;
    return { synced: this.#feed.synced && this.#acksSynced, seq: state.seq, endpoints: listObjects(state, 'Endpoints') as Endpoints[], acks: [...this.#acks.values()] };
  }

  /** Stops following. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all([this.#feed.stop(), this.#done.catch(() => undefined)]);
  }
}
