/**
 * Acknowledged JetStream publishes over one reply subscription. nats.js's `js.publish` makes a
 * request object, a deferred, a timer and a "cancelled" Error (with its stack) per publish:
 * about 14 µs of CPU each, a tenth of wharf-api's work per create. Here a publish is one map
 * entry, and one timer per second expires the late ones. Errors are those of `js.publish`.
 */
import { JetStreamApiError, JetStreamError, type PubAck } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { createInbox, headers as natsHeaders, NoRespondersError, RequestError, TimeoutError, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';

interface Pending {
  subject: string;
  since: number;
  resolve: (ack: PubAck) => void;
  reject: (err: Error) => void;
}

/** Publishes to JetStream and resolves with the server's acknowledgement. */
export class AckedPublisher {
  readonly #inbox: string;
  readonly #pending = new Map<string, Pending>();
  #next = 0;
  #sub: Subscription | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(readonly nc: NatsConnection, readonly timeoutMs: number) {
    // Under the connection's inbox prefix: the one its credentials may subscribe to.
    this.#inbox = createInbox((nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
  }

  /**
   * Publishes `data` to `subject` with the given headers (`Nats-Expected-Last-Subject-Sequence`,
   * `Nats-Msg-Id`); rejects with JetStreamApiError when the stream refuses it, TimeoutError
   * after `timeoutMs`, JetStreamNotEnabled when no stream takes the subject.
   */
  publish(subject: string, data: string, headers: Record<string, string>): Promise<PubAck> {
    this.#start();
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const token = (this.#next++).toString(36);
    return new Promise((resolve, reject) => {
      this.#pending.set(token, { subject, since: Date.now(), resolve, reject });
      try {
        this.nc.publish(subject, data, { reply: `${this.#inbox}.${token}`, headers: h });
      } catch (e) {
        this.#pending.delete(token);
        reject(e as Error);
      }
    });
  }

  /** Fails every publish still waiting for its acknowledgement with `err` (their outcome is unknown). */
  failPending(err: Error): void {
    this.#failAll(err);
  }

  /** Stops listening; publishes still waiting fail. */
  close(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#failAll(new RequestError('connection closed'));
  }

  #start(): void {
    if (this.#sub) return;
    this.#sub = this.nc.subscribe(`${this.#inbox}.*`, { callback: (err, m) => (err ? this.#failAll(err) : this.#reply(m)) });
    this.#sweep = setInterval(() => this.#expire(), 250);
    this.#sweep.unref();
    void this.nc.closed().then(() => this.close());
    void this.#failOnDisconnect();
  }

  /**
   * A publish whose connection drops will never get its acknowledgement (it went to the old
   * server's reply subscription): it fails at once rather than at its timeout, so that the
   * write path can send it again over the new connection.
   */
  async #failOnDisconnect(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (!this.#sub) return;
      if (s.type === 'disconnect') this.#failAll(new RequestError('the connection to NATS was lost before the acknowledgement'));
    }
  }

  #reply(m: Msg): void {
    const token = m.subject.slice(this.#inbox.length + 1);
    const p = this.#pending.get(token);
    if (!p) return;
    this.#pending.delete(token);
    if (m.data.length === 0 && m.headers?.code === 503) return p.reject(new jserrors.JetStreamNotEnabled('jetstream is not enabled', { cause: new NoRespondersError(p.subject) }));
    try {
      const r = m.json<PubAck & { error?: ConstructorParameters<typeof JetStreamApiError>[0] }>();
      if (r.error) p.reject(new JetStreamApiError(r.error));
      else if (!r.stream) p.reject(new JetStreamError('invalid ack response'));
      else p.resolve(r);
    } catch (e) {
      p.reject(e as Error);
    }
  }

  /** Fails the publishes that waited longer than the timeout (the map is in publish order). */
  #expire(): void {
    const limit = Date.now() - this.timeoutMs;
    for (const [token, p] of this.#pending) {
      if (p.since > limit) break;
      this.#pending.delete(token);
      p.reject(new TimeoutError());
    }
  }

  #failAll(err: Error): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) p.reject(err);
  }
}
