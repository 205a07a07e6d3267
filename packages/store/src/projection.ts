/**
 * A live projection of the log: catches up with a compacted replay (the newest event per object,
 * folded once; catchup.ts), then follows the stream with an ordered consumer, folds events in
 * batches with `evolve`, publishes immutable State snapshots and a change feed, and lets writers
 * wait until their own write is visible (read-your-writes). A reader that is lost or silent is
 * replaced, and while writes wait on a silent one, direct gets fold what they wait for (see the
 * README's "Following the log through a leader election"). Corrupt messages (the model's gate)
 * are set aside, counted and passed over as if they were not there: see "Corrupt messages".
 */
import type { EventStore } from './eventstore.js';
import { LatestBySubject } from './compaction.js';
import { ReaderLostError } from './logreader.js';
import { ridingOutages } from './outage.js';
import { SeqWaiters } from './waiters.js';
import type { LogMessage } from './eventstore.js';
import { type CorruptCount, CorruptCounter } from './corrupt.js';
import { compactedEvents, readCompacted } from './catchup.js';
import { type Change, emptyState, evolve, foldLatest, getObject, isCorrupt, type KindName, type KObject, listObjects, type LoggedEvent, type ObjectOf, type State, UnavailableError } from '@wharf/model';

/** Receives each folded batch of changes and the state after it. */
export type ChangeListener = (changes: readonly Change[], state: State) => void;

/**
 * A reader that has delivered nothing for this long (since its last event, or its start) while
 * writes are awaited is restarted. A reader whose consumer is lost ends by itself sooner
 * (logreader.ts); this catches one that stays connected but silent.
 */
const STALL_MS = 3000;

/** The longest pause between two failed readers: short, since each try is bounded by short API timeouts. */
const MAX_REREAD_PAUSE_MS = 500;

/** When the stream elects a leader, a reader silent for this long while writes wait is restarted at once. */
const ELECTION_STALL_MS = 500;

/**
 * A reader silent for this long while writes wait is helped by direct gets (#fill): any replica
 * answers them, with no consumer and no meta leader, so a write that landed shows within
 * milliseconds even while the reader makes a new consumer through an election.
 */
const FILL_AFTER_MS = 250;

/** A projection of all objects of one cluster. */
export class Projection {
  #state: State;
  #listeners = new Set<ChangeListener>();
  #waiters = new SeqWaiters();
  #filling = false;
  #pending: LoggedEvent[] = [];
  /** The last sequence read by the follower (events and corrupt messages alike). */
  #readThrough = 0;
  #corrupt = new CorruptCounter();
  /** True while the catch-up looks up the events before corrupt messages (each get has its own timeout). */
  #repairing = false;
  /** While catching up: the newest message per subject up to #catchUpTo, not yet folded. */
  #compacting: LatestBySubject | undefined;
  #catchUpTo = 0;
  #flushScheduled = false;
  #abort = new AbortController();
  #reader: AbortController | undefined;
  /** True once the current reader has its consumer. */
  #readerOpen = false;
  #lastEventAt = Date.now();
  #watchdog: NodeJS.Timeout | undefined;
  #unwatchLeader: (() => void) | undefined;
  #ready = false;
  #syncing: Promise<void> | undefined;
  #syncQueued: Promise<void> | undefined;

  constructor(readonly store: EventStore, initial: State = emptyState()) {
    this.#state = initial;
  }

  /** The current immutable state. */
  get state(): State {
    return this.#state;
  }

  /** The last sequence folded in. */
  get seq(): number {
    return this.#state.seq;
  }

  /** The corrupt messages this projection set aside (a compacted catch-up meets only the newest of each subject). */
  get corrupt(): CorruptCount {
    return this.#corrupt.value;
  }

  /** True once the projection has caught up with the log as it was at start. */
  get ready(): boolean {
    return this.#ready && !this.#abort.signal.aborted;
  }

  /** Starts following the log; resolves once caught up with the stream's last sequence at start. */
  async start(): Promise<void> {
    const { last } = await this.store.bounds();
    if (last > this.#state.seq) {
      this.#compacting = new LatestBySubject();
      this.#catchUpTo = last;
    }
    const caughtUp = this.waitFor(last, 0);
    void this.#follow();
    this.#watchdog = setInterval(() => this.#tick(), FILL_AFTER_MS);
    this.#watchdog.unref();
    this.#unwatchLeader = this.store.onLeaderElected(() => this.#onLeaderElected());
    await caughtUp;
    this.#ready = true;
  }

  /**
   * Follows the log for as long as the projection runs. When a reader ends or fails (a server
   * died, a consumer vanished), a new one starts from the last folded sequence (while catching
   * up, after the last message held): at once when its consumer was lost, else after a short
   * back-off (50 ms doubling to MAX_REREAD_PAUSE_MS).
   */
  async #follow(): Promise<void> {
    for (let failures = 0; !this.#abort.signal.aborted; ) {
      this.#reader = new AbortController();
      this.#readerOpen = false;
      this.#lastEventAt = Date.now();
      const signal = AbortSignal.any([this.#abort.signal, this.#reader.signal]);
      let pause = 0;
      try {
        if (this.#compacting) await this.#catchUp(this.#compacting, signal);
        if (!this.#compacting && !signal.aborted) await this.#readFrom(this.#state.seq + 1, signal);
        failures = 0;
        // Ended by the stall watchdog: again at once; by itself (a closed consumer): after a moment.
        if (!signal.aborted) pause = 50;
      } catch (e) {
        if (this.#abort.signal.aborted) return;
        if (!(e instanceof ReaderLostError)) {
          pause = Math.min(MAX_REREAD_PAUSE_MS, 50 * 2 ** failures++);
          if (failures === 3) process.stderr.write(`projection: reading the log failed (${(e as Error).message}); retrying\n`);
        }
      }
      this.#flush();
      if (pause && !this.#abort.signal.aborted) await new Promise((r) => setTimeout(r, pause));
    }
  }

  /**
   * The stream elected a leader: a reader still making its consumer (its tries may be waiting
   * out a long timeout sent during the election) starts over at once, and so does one silent
   * for ELECTION_STALL_MS while writes wait.
   */
  #onLeaderElected(): void {
    if (!this.#readerOpen && !this.#compacting) {
      this.#lastEventAt = Date.now();
      this.#reader?.abort();
    } else this.#checkStall(ELECTION_STALL_MS);
  }

  /** The watchdog's round: restarts a stalled reader, and helps a silent one by direct gets. */
  #tick(): void {
    this.#checkStall(STALL_MS);
    if (!this.#compacting && this.#silentFor(FILL_AFTER_MS)) void this.#fill();
  }

  /** True when the reader delivered nothing for `ms` while writes have waited as long. */
  #silentFor(ms: number): boolean {
    const now = Date.now();
    return this.#waiters.oldestAge(now) > ms && now - this.#lastEventAt > ms;
  }

  /**
   * Restarts a reader that went quiet for `stallMs` while writers wait as long for sequences it
   * should deliver: with STALL_MS on the watchdog's rounds, and with ELECTION_STALL_MS when the
   * stream elects a leader (a reader still trying to make its consumer through the election
   * starts over).
   */
  #checkStall(stallMs: number): void {
    if (this.#repairing || !this.#silentFor(stallMs)) return;
    this.#lastEventAt = Date.now();
    this.#reader?.abort();
  }

  /**
   * Folds the messages after the last one read by direct gets, one by one, while writes wait
   * beyond it and the reader stays silent; the reader passes over what this folded. Stops at the
   * end of the log (or of what the answering replica holds), and on any failure: the next round
   * tries again.
   */
  async #fill(): Promise<void> {
    if (this.#filling) return;
    this.#filling = true;
    try {
      while (!this.#abort.signal.aborted && this.#waiters.waitsBeyond(this.#readSeq) && Date.now() - this.#lastEventAt > FILL_AFTER_MS) {
        const m = await this.store.nextMessage(this.#readSeq + 1);
        if (!m) return;
        if (m.seq > this.#readSeq) this.#take(m);
      }
    } catch {
      // An outage: the next round tries again.
    } finally {
      this.#filling = false;
    }
  }

  /** The last sequence read (by the reader or #fill), folded or about to be. */
  get #readSeq(): number {
    return Math.max(this.#readThrough, this.#state.seq);
  }

  /**
   * Reads the log up to #catchUpTo keeping each subject's newest message (unparsed): nobody
   * reads intermediate states, so only the survivors are parsed and folded, once, at the end. A
   * reader restarted meanwhile goes on after the messages already held. Past the compactor's
   * limit (millions of objects) it folds what it holds and goes on from there.
   */
  async #catchUp(compacting: LatestBySubject, signal: AbortSignal): Promise<void> {
    for (;;) {
      const from = Math.max(this.#state.seq, compacting.lastSeq) + 1;
      const end = await readCompacted(this.store, compacting, from, this.#catchUpTo, signal, () => (this.#lastEventAt = Date.now()));
      if (end === 'stopped' || (end === 'full' && signal.aborted)) return;
      await this.#foldCompacted(compacting, signal);
      if (end === 'done') {
        this.#compacting = undefined;
        return;
      }
    }
  }

  async #readFrom(from: number, signal: AbortSignal): Promise<void> {
    const opened = () => (this.#readerOpen = true);
    for await (const m of this.store.readMessages(from, this.store.subjects.allObjects, signal, opened)) {
      this.#lastEventAt = Date.now();
      // Already folded by #fill.
      if (m.seq <= this.#readSeq) continue;
      this.#take(m);
    }
  }

  /** Takes the next message of the log (the reader's or #fill's) into the batch to fold. */
  #take(m: LogMessage): void {
    this.#readThrough = m.seq;
    const d = this.store.decode(m.data, m.seq, m.subject);
    if (isCorrupt(d)) this.#corrupt.add(d);
    else this.#pending.push(d);
    // Fold in batches: everything that arrived within one turn of the event loop goes into
    // one evolve, so a busy log costs one bucket copy per batch, not one per event.
    if (this.#pending.length >= 4096) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }


  /**
   * Folds the messages the compactor holds (catchup.ts), announcing nothing. The state changes
   * only once everything is in hand: a failure or an abort meanwhile drops the compactor's
   * contents, and the restarted reader reads them again from the state's sequence.
   */
  async #foldCompacted(compacted: LatestBySubject, signal: AbortSignal): Promise<void> {
    const seq = compacted.lastSeq;
    const events = await compactedEvents(this.store, compacted, this.#state.seq, signal, this.#corrupt, (on) => {
      this.#repairing = on;
      this.#lastEventAt = Date.now();
    });
    this.#state = foldLatest(this.#state, events, seq);
    this.#waiters.settle(this.#state.seq);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0 && this.#readThrough <= this.#state.seq) return;
    const batch = this.#pending;
    this.#pending = [];
    const { state, changes } = evolve(this.#state, batch, this.#readThrough);
    this.#state = state;
    this.#waiters.settle(this.#state.seq);
    if (changes.length) for (const l of this.#listeners) l(changes, state);
  }

  /** Resolves once the projection has folded `seq`; rejects with 504 after `timeoutMs` (0: never). */
  waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.#abort.signal.aborted) return Promise.reject(new UnavailableError('the event log projection is stopped'));
    if (seq <= this.#state.seq) return Promise.resolve();
    return this.#waiters.wait(seq, timeoutMs);
  }

  /**
   * Waits until every event appended before this call (by any process) is folded in: a
   * linearizable read. Concurrent callers share one stream-info request per round.
   */
  sync(): Promise<void> {
    if (!this.#syncing) {
      this.#syncing = this.#syncOnce().finally(() => (this.#syncing = undefined));
      return this.#syncing;
    }
    // A round already in flight may have asked the server before this call; queue one more.
    if (!this.#syncQueued) {
      this.#syncQueued = this.#syncing.catch(() => undefined).then(() => {
        this.#syncQueued = undefined;
        return this.sync();
      });
    }
    return this.#syncQueued;
  }

  /** One round of sync: the stream's last sequence (through a leader election, up to the outage budget), then waiting for it. */
  async #syncOnce(): Promise<void> {
    await this.waitFor(await ridingOutages(() => this.store.lastSequence()));
  }

  /**
   * Subscribes to the change feed; returns an unsubscribe function. The feed starts after the
   * catch-up: the replay at start is folded compacted and announces no changes.
   */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One object of `kind` from the current state. */
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined;
  /** The same, typed by the caller: kept while the write path still passes a type argument; prefer the form above. */
  get<T extends KObject>(kind: KindName, namespace: string | undefined, name: string): T | undefined;
  get(kind: KindName, namespace: string | undefined, name: string): ObjectOf | undefined {
    return getObject(this.#state, kind, namespace, name);
  }

  /** All objects of `kind` from the current state, sorted by namespace then name. */
  list<K extends KindName>(kind: K, namespace?: string): ObjectOf<K>[] {
    return listObjects(this.#state, kind, namespace);
  }

  /** Stops following the log. */
  stop(): void {
    this.#abort.abort();
    this.#unwatchLeader?.();
    if (this.#watchdog) clearInterval(this.#watchdog);
  }
}
