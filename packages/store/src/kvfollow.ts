/**
 * Following a KV bucket through the loss of a server. `kv.watch` is an ordered push consumer with
 * one replica, on one server; when that server dies, nats.js notices only after two missed idle
 * heartbeats of 30 s and then makes a new consumer. On a three-server cluster whose first server
 * was killed (test/e2e-controlplane.test.ts), the reconcilers' membership watches stayed silent
 * for 76 s, and each reconciler took itself for the only one all that time.
 *
 * A KvFollow watches again, from the revision after the last one it delivered, as soon as the
 * bucket's stream names another leader or a peer that stopped answering (it asks every
 * `checkMs`, with the STREAM.INFO request a node may already make), and whenever the watch ends
 * or fails, and when the connection comes back after a break (the server it reached may not hold
 * the consumer: another server of the cluster, or one that lost it; a restart costs one consumer,
 * a lost consumer up to 90 s of silence). Nothing is lost or repeated across a restart: the new
 * watch starts at the next revision.
 */
import type { KV, KvEntry, KvStatus } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from './logger.js';
import { onStatus } from './natsstatus.js';

/** How to follow a bucket. */
export interface KvFollowOptions {
  /** The keys to follow (a KV key pattern; default every key). */
  key?: string;
  /** Delivers the revisions after this one; 0 (the default): each key's newest value first, then the changes. */
  after?: number;
  /** How often the bucket's leader and its peers' state are asked for (default 2000 ms). */
  checkMs?: number;
  /** Where restarts and failures are said (default: nowhere). */
  log?: Logger;
}

/** Default of KvFollowOptions.checkMs. */
export const KV_FOLLOW_CHECK_MS = 2000;

/**
 * A peer of a bucket's stream that the leader has not heard from for this long is taken for gone.
 * A live replica answers the leader's heartbeats within half a second; nats-server marks a killed
 * one `offline` only much later (not within 25 s in test/kvfollow.test.ts), but stops hearing it at once.
 */
export const PEER_GONE_AFTER_MS = 3000;

/** Where a bucket's stream is served: its leader, and the peers that are offline or unheard (PEER_GONE_AFTER_MS). */
export interface Placement {
  leader: string | undefined;
  gone: string[];
}

/** The placement a bucket's status shows (pure); a stream of one server names no leader. */
export function placementOf(s: Pick<KvStatus, 'streamInfo'>): Placement {
  const c = s.streamInfo.cluster;
  const gone = (c?.replicas ?? []).filter((r) => r.offline || (!r.current && r.active / 1e6 > PEER_GONE_AFTER_MS));
  return { leader: c?.leader, gone: gone.map((r) => r.name).sort() };
}

/**
 * Whether a watch made under `before` may have lost its consumer by `after` (pure): the leader
 * changed, or a peer went (a one-replica consumer is placed on any peer). A peer coming back
 * takes nothing away.
 */
export function mayHaveLostConsumer(before: Placement, after: Placement): boolean {
  return before.leader !== after.leader || after.gone.some((p) => !before.gone.includes(p));
}

/** A placement for the log. */
export function describePlacement(p: Placement): string {
  return `${p.leader ? `leader ${p.leader}` : 'no leader'}${p.gone.length ? `, ${p.gone.join(' ')} not answering` : ''}`;
}

/** One bucket (or some of its keys) followed as long as it runs; iterate it once. */
export class KvFollow implements AsyncIterable<KvEntry> {
  #revision: number;
  #watch: { stop(): void } | undefined;
  #stopped = false;
  #restarting = false;
  /** How many times the connection came back after a break. */
  #reconnects = 0;
  #restarts = 0;
  /** The bucket's name, once a status answered (for the log). */
  #bucket = '';
  readonly #key: string;
  readonly #checkMs: number;

  constructor(
    readonly kv: KV,
    readonly opts: KvFollowOptions = {},
  ) {
    this.#revision = opts.after ?? 0;
    this.#key = opts.key ?? '>';
    this.#checkMs = opts.checkMs ?? KV_FOLLOW_CHECK_MS;
  }

  /** The last revision delivered (or `after`). */
  get revision(): number {
    return this.#revision;
  }

  /** How many times a watch was ended to be made again (restart), since the follow began. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Ends the present watch; the iteration goes on with a new one from the next revision. */
  restart(why: string): void {
    if (!this.#watch) return;
    this.#restarts++;
    this.opts.log?.info({ bucket: this.#bucket, key: this.#key, revision: this.#revision, why }, 'watching the bucket again');
    this.#restarting = true;
    this.#watch.stop();
  }

  /** Ends the iteration. */
  stop(): void {
    this.#stopped = true;
    this.#watch?.stop();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<KvEntry> {
    const unfollow = this.#followConnection();
    try {
      yield* this.#watches();
    } finally {
      unfollow();
    }
  }

  async *#watches(): AsyncGenerator<KvEntry> {
    for (let failures = 0; !this.#stopped; ) {
      // Where the consumer is about to be placed, asked first: a change between this answer and the
      // watch costs one needless restart, never a missed one.
      const placed = await this.kv.status().then((s) => this.#placement(s), () => undefined);
      const reconnects = this.#reconnects;
      let it;
      try {
        it = await this.kv.watch({ key: this.#key, ...(this.#revision ? { resumeFromRevision: this.#revision + 1 } : {}) });
      } catch (err) {
        if (this.#stopped) return;
        if (++failures === 3) this.opts.log?.warn({ bucket: this.#bucket, err: (err as Error).message }, 'cannot watch the bucket; trying again');
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** failures)));
        continue;
      }
      failures = 0;
      this.#watch = it;
      if (this.#stopped) it.stop();
      // The connection broke while the consumer was being made: it may be on a server that forgot it.
      else if (this.#reconnects !== reconnects) this.restart('the connection to NATS came back while the watch was made');
      const unguard = this.#guard(placed);
      try {
        for await (const e of it as AsyncIterable<KvEntry>) {
          if (e.revision > this.#revision) this.#revision = e.revision;
          yield e;
        }
      } catch (err) {
        if (!this.#stopped) this.opts.log?.warn({ bucket: this.#bucket, err: (err as Error).message }, 'the bucket watch failed; watching again');
      } finally {
        unguard();
        this.#watch = undefined;
        it.stop();
      }
      // A watch that ended by itself (its consumer gave up) is not made again in a tight loop.
      if (!this.#restarting && !this.#stopped) await new Promise((r) => setTimeout(r, 200));
      this.#restarting = false;
    }
  }

  /** Restarts the watch whenever the connection comes back after a break; returns the function that stops listening. */
  #followConnection(): () => void {
    // A Bucket holds its JetStream client, which holds the connection (neither is in KV's type).
    const nc = (this.kv as { js?: { nc?: NatsConnection } }).js?.nc;
    if (!nc) return () => undefined;
    return onStatus(nc, 'reconnect', () => {
      this.#reconnects++;
      this.restart('the connection to NATS came back');
    });
  }

  #placement(s: KvStatus): Placement {
    this.#bucket = s.bucket;
    return placementOf(s);
  }

  /** Asks for the stream's placement every checkMs; restarts the watch when it may have lost its consumer since the last answer (or `placed`). */
  #guard(placed: Placement | undefined): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.kv
        .status()
        .then((s) => {
          const now = this.#placement(s);
          if (placed && mayHaveLostConsumer(placed, now)) this.restart(`the bucket's stream went from ${describePlacement(placed)} to ${describePlacement(now)}`);
          placed = now;
        })
        // Unanswered (an election): the next round asks again.
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, this.#checkMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
