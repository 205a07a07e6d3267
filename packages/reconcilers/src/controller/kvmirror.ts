/**
 * A local mirror of a KV bucket (an informer on observed state): loads every key, then follows
 * changes. `ready` resolves once the mirror holds the bucket as it was at start. Readers treat it
 * as a hint; every write still goes through compare-and-set on the key's revision.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { KvFollow, type Logger } from '@wharf/store';

/** One mirrored value and the bucket revision that wrote it. */
export interface Mirrored<T> {
  value: T;
  revision: number;
}

/** Called with the key, the value before and the value after (undefined when deleted). */
export type MirrorListener<T> = (key: string, before: T | undefined, after: T | undefined) => void;

/** The mirror of one bucket (optionally a key filter). */
export class KvMirror<T> {
  readonly entries = new Map<string, Mirrored<T>>();
  #listeners = new Set<MirrorListener<T>>();
  #follow: KvFollow | undefined;
  #ready!: Promise<void>;
  /** The newest bucket revision the mirror has applied. */
  #revision = 0;

  /** `decode` reads a value (JSON unless told otherwise); a value it throws on is ignored. */
  constructor(
    readonly kv: KV,
    readonly log: Logger,
    readonly filter = '>',
    readonly decode: (e: KvEntry) => T = (e) => e.json<T>(),
  ) {}

  /** Resolves once the initial contents are loaded. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Starts following the bucket (through the loss of a server: see KvFollow); resolves once the
   * mirror holds what the bucket held when it began.
   */
  async start(): Promise<void> {
    const status = await this.kv.status();
    const last = status.streamInfo.state.last_seq;
    let loaded!: () => void;
    this.#ready = new Promise<void>((r) => (loaded = r));
    if (last === 0) loaded();
    const follow = new KvFollow(this.kv, { key: this.filter, log: this.log });
    this.#follow = follow;
    void (async () => {
      try {
        for await (const e of follow) {
          this.#apply(e);
          if (e.revision >= last) loaded();
        }
      } catch (err) {
        this.log.error({ err, bucket: status.bucket }, 'KV mirror stopped');
      }
    })();
    await this.#ready;
  }

  /**
   * Whether the mirror holds everything the bucket held a moment ago: it asks the bucket for its
   * last revision and gives the watch `waitMs` to deliver up to it. A watch that does not (its
   * consumer was lost before KvFollow saw the bucket's peers change) is started again from the
   * last revision the mirror holds, and this answers false: a reader that is about to act on an
   * absence (no heartbeat) must not trust it yet. For a mirror of the whole bucket only.
   */
  async current(waitMs = 2000): Promise<boolean> {
    // A filtered mirror cannot tell its keys' last revision from the bucket's.
    if (this.filter !== '>') return true;
    const status = await this.kv.status();
    const last = status.streamInfo.state.last_seq;
    const deadline = Date.now() + waitMs;
    while (this.#revision < last) {
      if (Date.now() > deadline) {
        this.log.warn({ bucket: status.bucket, mirrored: this.#revision, last }, 'KV mirror fell behind its bucket: watching again from where it stopped');
        this.#follow?.restart('the mirror fell behind its bucket');
        return false;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  #apply(e: KvEntry): void {
    if (e.revision > this.#revision) this.#revision = e.revision;
    const before = this.entries.get(e.key);
    if (before && before.revision >= e.revision) return;
    let after: T | undefined;
    if (e.operation === 'PUT') {
      try {
        after = this.decode(e);
      } catch (err) {
        this.log.warn({ err, key: e.key }, 'ignoring a malformed KV value');
        return;
      }
      this.entries.set(e.key, { value: after, revision: e.revision });
    } else this.entries.delete(e.key);
    for (const l of this.#listeners) {
      try {
        l(e.key, before?.value, after);
      } catch (err) {
        this.log.error({ err, key: e.key }, 'KV mirror listener failed');
      }
    }
  }

  /** Subscribes to changes; returns an unsubscribe function. */
  onChange(l: MirrorListener<T>): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  /** Stops following. */
  stop(): void {
    this.#follow?.stop();
  }
}
