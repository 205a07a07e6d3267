/**
 * The proxy's acknowledgement writer: puts what the data plane applied (the log sequence of its
 * routes, the backends it still drains) into the proxy bucket whenever it changes and every
 * interval, one write at a time (changes during a write are coalesced into the next one), and
 * deletes the key on stop so that no agent waits for a proxy that is gone.
 */
import type { HostPort, Logger, ProxyAck, ProxyAcks } from '@wharf/store';

/** What the writer acknowledges, read afresh for every write. */
export type AckSource = () => { seq: number; draining: HostPort[] };

/** Who writes, and how often when nothing changes. */
export interface AckIdentity {
  node: string;
  instance: string;
  address: string;
  intervalMs: number;
}

/** Writes one proxy's acknowledgements. */
export class AckWriter {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(readonly acks: ProxyAcks, readonly id: AckIdentity, readonly source: AckSource, readonly log: Logger) {}

  /** Writes now, then every interval. */
  start(): void {
    this.request();
    this.#timer = setInterval(() => this.request(), this.id.intervalMs);
    this.#timer.unref();
  }

  /** Asks for a write of the current values: at once, or right after the write under way. */
  request(): void {
    if (this.#stopped) return;
    if (this.#writing) {
      this.#again = true;
      return;
    }
    this.#writing = this.#write().finally(() => {
      this.#writing = undefined;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    });
  }

  async #write(): Promise<void> {
    const { seq, draining } = this.source();
    const ack: ProxyAck = { ...this.id, seq, draining, time: new Date().toISOString() };
    try {
      await this.acks.put(ack);
    } catch (err) {
      // The next change or interval writes again.
      this.log.warn({ err: (err as Error).message }, 'writing the proxy acknowledgement failed');
    }
  }

  /** Stops writing and deletes this node's acknowledgement. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#writing;
    await this.acks.remove(this.id.node).catch((err: Error) => this.log.warn({ err: err.message }, 'deleting the proxy acknowledgement failed'));
  }
}
