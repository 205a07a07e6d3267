/**
 * Reconciler membership: each instance puts `{instance, intervalMs}` under its own key of the KV
 * bucket `wharf_<C>_reconcilers` every interval and follows the bucket. A member not heard from
 * for a lease (3 of its intervals, by the local clock) has left; a stopping instance deletes its key, so
 * the others take its keys over at once. The bucket's max age drops keys of killed instances, so
 * a new instance does not wait for members that died long ago.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KV } from '@nats-io/kv';
import { encodeToken } from '@wharf/model';
import { ensureBucket, type EventStore, type Logger } from '@wharf/store';
import { KvMirror } from './kvmirror.js';
import { liveMembers, ownerOf, type Shard } from './shard.js';

/** What a member writes. */
export interface MemberValue {
  instance: string;
  intervalMs: number;
}

/** A name for this process among the reconcilers (and in the scheduler's ledger): host-pid-random. */
export function defaultInstance(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** How often a member writes by default. */
export const MEMBER_INTERVAL_MS = 1000;

/** The shard of one reconciler instance, from the live members of its cluster. */
export class Membership implements Shard {
  /** When each member's lease runs out, by the local clock: 3 of its intervals after it was last heard. */
  readonly #leaseEnds = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  #members: string[];
  #mirror: KvMirror<MemberValue> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #kv: KV | undefined;
  #stopped = false;

  private constructor(
    readonly instance: string,
    readonly intervalMs: number,
    readonly log: Logger,
  ) {
    this.#members = [instance];
  }

  /** Joins the cluster's reconcilers; resolves once the current members are known. */
  static async join(store: EventStore, instance: string, log: Logger, intervalMs = MEMBER_INTERVAL_MS): Promise<Membership> {
    const m = new Membership(instance, intervalMs, log);
    m.#kv = await ensureBucket(store, store.subjects.reconcilerBucket, { ttl: 10 * intervalMs });
    await m.#beat();
    m.#mirror = new KvMirror<MemberValue>(m.#kv, log);
    m.#mirror.onChange((_key, before, after) => {
      if (after) m.#leaseEnds.set(after.instance, Date.now() + 3 * Math.max(after.intervalMs, 100));
      else if (before) m.#leaseEnds.delete(before.instance);
      m.#refresh();
    });
    await m.#mirror.start();
    // Members that left without a word are dropped by the lease, looked at every interval.
    m.#timer = setInterval(() => {
      void m.#beat();
      m.#refresh();
    }, intervalMs);
    m.#timer.unref();
    m.#refresh();
    return m;
  }

  /** The live members, sorted. */
  get members(): readonly string[] {
    return this.#members;
  }

  owns(key: string): boolean {
    return ownerOf(this.#members, key) === this.instance;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#kv!.put(encodeToken(this.instance), JSON.stringify({ instance: this.instance, intervalMs: this.intervalMs } satisfies MemberValue));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not renew reconciler membership; retrying');
    }
  }

  #refresh(): void {
    const now = Date.now();
    for (const [m, end] of this.#leaseEnds) if (end < now) this.#leaseEnds.delete(m);
    const next = liveMembers(this.#leaseEnds, this.instance, now);
    if (next.length === this.#members.length && next.every((m, i) => m === this.#members[i])) return;
    const before = this.#members;
    this.#members = next;
    this.log.info({ members: next, joined: next.filter((m) => !before.includes(m)), left: before.filter((m) => !next.includes(m)) }, 'reconciler members changed; the work is shared again');
    for (const l of this.#listeners) {
      try {
        l();
      } catch (err) {
        this.log.error({ err }, 'membership listener failed');
      }
    }
  }

  /** Leaves: stops renewing and deletes this member's key so the others take over at once. */
  async leave(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#mirror?.stop();
    await this.#kv?.delete(encodeToken(this.instance)).catch(() => undefined);
  }
}
