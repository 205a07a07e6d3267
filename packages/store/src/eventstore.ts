/**
 * The event store: one JetStream stream per cluster, one subject per object, optimistic
 * concurrency through `Nats-Expected-Last-Subject-Sequence`.
 */
import { jetstream, jetstreamManager, JetStreamApiError, PubHeaders, type JetStreamClient, type JetStreamManager, type ConsumerMessages, type JsMsg, type StreamConfig } from '@nats-io/jetstream';
import { RequestError, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { connectNats, type NatsAuth } from './connect.js';
import { isOutage } from './outage.js';
import { CorruptLog } from './corrupt.js';
import { createLogger } from './logger.js';
import { AckedPublisher } from './publisher.js';
import { DuplicateAppendError, StaleSequenceError } from './appenderrors.js';
import { eventStreamConfig, settingsChanges, type StreamSettings } from './streamconfig.js';
import { openOrdered, PULL, READER_API_TIMEOUT_MS, superviseReader } from './logreader.js';
import { type DecodedEvent, decodeEvent, isCorrupt, type LoggedEvent, type StoredEvent, Subjects } from '@wharf/model';

/** JetStream's error code for a failed expected-last-subject-sequence check. */
const WRONG_LAST_SEQUENCE = 10071;

/**
 * How long an append waits for its acknowledgement. An append whose answer does not come is
 * sent again by the write path (Objects) with the same de-duplication id and expected sequence,
 * so at most one of them lands: a short wait costs nothing but a lookup.
 */
const APPEND_TIMEOUT_MS = 4000;

/** Options for EventStore.connect. */
export interface EventStoreOptions extends StreamSettings {
  natsUrl: string;
  cluster: string;
  /** The connection name shown by nats-server (the component). */
  name: string;
  /** Credentials and TLS; absent: an open development server. */
  auth?: NatsAuth | undefined;
  /** How long to wait for JetStream to answer at start (a cluster electing its leaders, a server catching up); default 60 s, Infinity: until it does. */
  jetStreamWaitMs?: number | undefined;
}

/** How often a component waiting for JetStream at start says so again. */
const JETSTREAM_WAIT_NOTICE_MS = 30_000;

/** The message after a sequence on one subject: where a write that expected that sequence landed. */
export interface Successor {
  seq: number;
  /** Its `Nats-Msg-Id`, when it has one. */
  msgId: string | undefined;
  /** The event, unless the message is corrupt. */
  event: LoggedEvent | undefined;
}

/** One message of the log, unparsed. */
export interface LogMessage {
  seq: number;
  subject: string;
  /** Messages of the filter after this one on the server when it was sent. */
  pending: number;
  /** The event's JSON bytes: a view valid only until the next message is read. */
  data: Uint8Array;
}

/** A message of the log through the gate (an event, or a corrupt message set aside), with what is pending after it. */
export type PendingDecoded = DecodedEvent & { pending: number };

/** Handle on one cluster's event log. */
export class EventStore {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly subjects: Subjects;
  /** The corrupt messages this store's readers met; each is logged once. */
  readonly corrupt: CorruptLog;
  readonly #ownsConnection: boolean;
  #turn: Promise<void> | undefined;
  readonly #publisher: AckedPublisher;
  #replicas = 1;
  #leaderSub: Subscription | undefined;
  readonly #leaderListeners = new Set<() => void>();

  /** The JetStream manager of `lastSequence` (short API timeouts). */
  #quickJsm: JetStreamManager | undefined;

  private constructor(readonly nc: NatsConnection, jsm: JetStreamManager, cluster: string, owns: boolean, component: string) {
    this.js = jetstream(nc, { timeout: 10_000 });
    this.#publisher = new AckedPublisher(nc, APPEND_TIMEOUT_MS);
    this.jsm = jsm;
    this.subjects = new Subjects(cluster);
    this.#ownsConnection = owns;
    this.corrupt = new CorruptLog(() => createLogger(component));
  }

  /** Connects, checks the server version and creates (or updates) the cluster's stream. */
  static async connect(opts: EventStoreOptions): Promise<EventStore> {
    const nc = await connectNats(opts.natsUrl, opts.name, opts.auth);
    try {
      return await EventStore.open(nc, opts.cluster, opts, true, opts.name);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Opens the store on an existing connection; `component` names the logger of corrupt messages. */
  static async open(nc: NatsConnection, cluster: string, settings: StreamSettings & { jetStreamWaitMs?: number | undefined } = {}, owns = false, component = 'wharf-store'): Promise<EventStore> {
    // A cluster that is still electing its JetStream leader times out or answers 503: wait
    // for it (60 s, or as long as the caller says) rather than fail, so components can start in
    // any order; the wait is said at once and again every 30 s.
    const started = Date.now();
    const deadline = started + (settings.jetStreamWaitMs ?? 60_000);
    let noticed = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 5_000 });
        const store = new EventStore(nc, jsm, cluster, owns, component);
        store.#quickJsm = await jetstreamManager(nc, { timeout: READER_API_TIMEOUT_MS, checkAPI: false });
        await store.ensureStream(settings);
        store.#watchLeader();
        return store;
      } catch (e) {
        // "No suitable peers for placement": a cluster still forming (its servers have not all met).
        const transient = isOutage(e) || (e as Error).name === 'TimeoutError' || (e instanceof JetStreamApiError && e.status === 503) || /temporarily unavailable|no responders|no suitable peers/i.test((e as Error).message);
        if (!transient || Date.now() > deadline) throw e;
        if (attempt === 0 || Date.now() - noticed >= JETSTREAM_WAIT_NOTICE_MS) {
          noticed = Date.now();
          process.stderr.write(`${component}: waiting for JetStream at ${nc.getServer()} to answer (${(e as Error).message}; ${Math.round((noticed - started) / 1000)} s so far); retrying\n`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Follows JetStream's advisory of a new leader of the event log stream. Appends still waiting
   * for their acknowledgement then went to a leader that is gone (or got no answer during the
   * election): they fail at once, and the write path sends them again to the new leader (same
   * id and expected sequence) instead of waiting out their timeout. Listeners hear of it too.
   */
  #watchLeader(): void {
    this.#leaderSub = this.nc.subscribe(this.subjects.leaderElected, {
      callback: (err) => {
        // Not permitted, or the connection closing: the appends' timeouts do the same, later.
        if (err) return;
        this.#publisher.failPending(new RequestError('the event log elected a new leader before the acknowledgement'));
        for (const l of this.#leaderListeners) l();
      },
    });
  }

  /** Calls `listener` each time the event log stream elects a leader; returns the function that stops it. */
  onLeaderElected(listener: () => void): () => void {
    this.#leaderListeners.add(listener);
    return () => this.#leaderListeners.delete(listener);
  }

  /** The stream's configuration (streamconfig.ts). */
  streamConfig(settings: StreamSettings): Partial<StreamConfig> & { name: string } {
    return eventStreamConfig(this.subjects, settings);
  }

  /** Creates the stream, or changes what `settings` name explicitly on the existing one; notes its replicas. */
  async ensureStream(settings: StreamSettings): Promise<void> {
    const cfg = this.streamConfig(settings);
    try {
      const info = await this.jsm.streams.info(this.subjects.stream);
      const want = settingsChanges(info.config, settings, cfg);
      if (want) await this.jsm.streams.update(this.subjects.stream, { ...info.config, ...want });
      this.#replicas = info.config.num_replicas || 1;
    } catch (e) {
      if (!(e instanceof JetStreamApiError) || e.code !== 10059) throw e;
      const info = await this.jsm.streams.add(cfg);
      this.#replicas = info.config.num_replicas || 1;
    }
  }

  /** The event log stream's replicas as last seen (at open, or by `currentReplicas`). */
  get replicas(): number {
    return this.#replicas;
  }

  /**
   * The event log stream's replicas now: every bucket and stream the cluster depends on is made
   * with as many (buckets.ts). Falls back to the last value seen when the server does not answer.
   */
  async currentReplicas(): Promise<number> {
    try {
      this.#replicas = (await this.jsm.streams.info(this.subjects.stream)).config.num_replicas || 1;
    } catch {
      // keep the last value seen
    }
    return this.#replicas;
  }

  /**
   * Appends one event to `subject`, but only if the subject's last sequence is `expected`
   * (0: the subject must be empty). Returns the new sequence: the object's resourceVersion.
   * Throws StaleSequenceError when another write got there first, DuplicateAppendError when
   * `msgID` names a write the stream holds already (a single server checks this first; an R3
   * stream checks the expected sequence first, and answers a duplicate only while the first is
   * in flight).
   */
  async append(subject: string, event: StoredEvent, expected: number, msgID?: string): Promise<number> {
    try {
      await this.#sameTurn();
      const headers: Record<string, string> = { [PubHeaders.ExpectedLastSubjectSequenceHdr]: String(expected) };
      if (msgID) headers[PubHeaders.MsgIdHdr] = msgID;
      const ack = await this.#publisher.publish(subject, JSON.stringify(event), headers);
      if (ack.duplicate) throw new DuplicateAppendError(subject, expected, ack.seq);
      return ack.seq;
    } catch (e) {
      if (e instanceof JetStreamApiError && e.code === WRONG_LAST_SEQUENCE) throw new StaleSequenceError(subject, expected);
      throw e;
    }
  }

  /**
   * Resolves at the end of this event-loop turn (setImmediate), once for every caller of the
   * turn. Appends started by requests that arrived together then publish in one microtask run,
   * which nats.js sends as one socket write instead of one write each (a write to nats-server
   * was 9% of wharf-api's CPU per create).
   */
  #sameTurn(): Promise<void> {
    return (this.#turn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.#turn = undefined;
        resolve();
      }),
    ));
  }

  /** Decodes one message through the model's gate; a corrupt one is noted (logged once). */
  decode(data: Uint8Array, seq: number, subject: string): DecodedEvent {
    const d = decodeEvent(data, seq, subject);
    if (isCorrupt(d)) this.corrupt.note(d);
    return d;
  }

  /**
   * The latest event on one subject, or undefined when it has none. Corrupt messages do not
   * count: when the subject's newest message is one, this is the newest valid event before it.
   */
  async last(subject: string): Promise<LoggedEvent | undefined> {
    return (await this.tail(subject)).event;
  }

  /**
   * One subject's latest event (as `last`) and its last sequence, which the next append must
   * expect: later than the event's when corrupt messages followed it (0: the subject is empty).
   */
  async tail(subject: string): Promise<{ event: LoggedEvent | undefined; seq: number }> {
    const m = await this.jsm.direct.getMessage(this.subjects.stream, { last_by_subj: subject });
    if (!m) return { event: undefined, seq: 0 };
    const d = this.decode(m.data, m.seq, m.subject);
    return { event: isCorrupt(d) ? await this.newestValid(subject, 0, m.seq) : d, seq: m.seq };
  }

  /**
   * The newest valid event of `subject` with `after` < sequence < `before`, or undefined: a
   * forward scan of the subject by direct gets, for the rare subject whose newest message the
   * gate set aside (a log carries the whole object in each event, so the one before decides).
   */
  async newestValid(subject: string, after: number, before: number): Promise<LoggedEvent | undefined> {
    let found: LoggedEvent | undefined;
    for (let seq = after + 1; seq < before; ) {
      const m = await this.jsm.direct.getMessage(this.subjects.stream, { seq, next_by_subj: subject });
      if (!m || m.seq >= before) break;
      const d = this.decode(m.data, m.seq, m.subject);
      if (!isCorrupt(d)) found = d;
      seq = m.seq + 1;
    }
    return found;
  }

  /**
   * The first message on `subject` after sequence `after`, or undefined when there is none. An
   * append that expected `after` and landed is exactly this message: its `Nats-Msg-Id` tells
   * whose it is.
   */
  async successor(subject: string, after: number): Promise<Successor | undefined> {
    const m = await this.jsm.direct.getMessage(this.subjects.stream, { seq: after + 1, next_by_subj: subject });
    if (!m) return undefined;
    const d = this.decode(m.data, m.seq, m.subject);
    return { seq: m.seq, msgId: m.header?.get(PubHeaders.MsgIdHdr) || undefined, event: isCorrupt(d) ? undefined : d };
  }

  /**
   * The first message of the log at or after `seq`, by a direct get: any replica of the stream
   * answers, with no consumer, also while the stream elects its leader (a replica answers with
   * what it holds, which may be less than the leader). Undefined when it holds none.
   */
  async nextMessage(seq: number): Promise<LogMessage | undefined> {
    const m = await (this.#quickJsm ?? this.jsm).direct.getMessage(this.subjects.stream, { seq, next_by_subj: this.subjects.allObjects });
    return m ? { seq: m.seq, subject: m.subject, pending: -1, data: m.data } : undefined;
  }

  /** The sequence of the latest message on `subject` (wildcards allowed), or 0 when it has none. Parses nothing. */
  async lastSeq(subject: string): Promise<number> {
    const m = await this.jsm.direct.getMessage(this.subjects.stream, { last_by_subj: subject });
    return m?.seq ?? 0;
  }

  /** The stream's first and last sequence now. */
  async bounds(): Promise<{ first: number; last: number }> {
    const info = await this.jsm.streams.info(this.subjects.stream);
    return { first: info.state.first_seq, last: info.state.last_seq };
  }

  /**
   * The stream's last sequence now, as its leader says (a linearizable point to read up to). A
   * question sent while the stream elects its leader times out after 1.5 s, so its caller can ask
   * again soon (`ridingOutages`) rather than wait 5 s for a leader that came meanwhile.
   */
  async lastSequence(): Promise<number> {
    const info = await (this.#quickJsm ?? this.jsm).streams.info(this.subjects.stream);
    // A replica of a stream with no leader answers with its own view (a server on the minority
    // side of a partition does): that is no proof of the last write, so it counts as an outage.
    if ((info.config.num_replicas ?? 1) > 1 && !info.cluster?.leader) throw new RequestError(`the event log has no leader in reach of ${this.nc.getServer()}`);
    return info.state.last_seq;
  }

  /**
   * Reads events in order from `fromSeq`, optionally filtered by subjects, and keeps following
   * new ones until `signal` aborts. Uses an ordered consumer (no server-side state to clean up).
   * Corrupt messages are passed over (and logged once); `readDecoded` yields them too.
   */
  async *read(fromSeq: number, filter: string | string[] = this.subjects.allObjects, signal?: AbortSignal): AsyncGenerator<LoggedEvent & { pending: number }> {
    for await (const d of this.readDecoded(fromSeq, filter, signal)) if (!isCorrupt(d)) yield d;
  }

  /** Like `read`, but yields the corrupt messages as well, as CorruptEvents in their place. */
  async *readDecoded(fromSeq: number, filter: string | string[] = this.subjects.allObjects, signal?: AbortSignal): AsyncGenerator<PendingDecoded> {
    const { msgs, close } = await this.#consume(fromSeq, filter, signal);
    try {
      for await (const m of msgs) {
        const d = this.decode(m.data, m.seq, m.subject) as PendingDecoded;
        d.pending = m.info.pending;
        yield d;
      }
    } finally {
      close();
    }
  }

  /**
   * Like `read`, but yields the messages unparsed: `data` is a view into the client's read
   * buffer, valid only until the next message is requested (copy what you keep). `onOpen` is
   * called once the consumer exists.
   */
  async *readMessages(fromSeq: number, filter: string | string[] = this.subjects.allObjects, signal?: AbortSignal, onOpen?: () => void): AsyncGenerator<LogMessage> {
    const { msgs, close, open } = await this.#consume(fromSeq, filter, signal);
    if (open) onOpen?.();
    try {
      for await (const m of msgs) {
        const { streamSequence: seq, pending } = m.info;
        yield { seq, subject: m.subject, pending, data: m.data };
      }
    } finally {
      close();
    }
  }

  /**
   * Calls `onMessage` with each message from `fromSeq` on, in order, straight from the client's
   * read loop (no async iteration per message: a catch-up reads millions), until it returns false
   * or `signal` aborts; then resolves. Rejects when `onMessage` throws or the consumer fails.
   * `data` is valid only during the call.
   */
  async consumeMessages(fromSeq: number, filter: string | string[], onMessage: (m: LogMessage) => boolean | void, signal?: AbortSignal): Promise<void> {
    const c = await openOrdered(this.nc, this.subjects.stream, fromSeq, filter, signal);
    if (!c) return;
    let stopped = false;
    const msgs: ConsumerMessages = await c.consume({
      ...PULL,
      callback: (m) => {
        if (stopped) return;
        const { streamSequence: seq, pending } = m.info;
        if (onMessage({ seq, subject: m.subject, pending, data: m.data }) === false) {
          stopped = true;
          msgs.stop();
        }
      },
    });
    const close = superviseReader(this.nc, c, msgs, signal);
    try {
      const err = await msgs.closed();
      if (err) throw err;
    } finally {
      close();
    }
  }

  /**
   * An ordered consumer's messages from `fromSeq` on; they stop when `signal` aborts or on
   * `close`, and fail with ReaderLostError when the consumer is lost. Nothing when `signal`
   * aborted while the consumer was being made.
   */
  async #consume(fromSeq: number, filter: string | string[], signal: AbortSignal | undefined): Promise<{ msgs: AsyncIterable<JsMsg>; close: () => void; open: boolean }> {
    const c = await openOrdered(this.nc, this.subjects.stream, fromSeq, filter, signal);
    if (!c) return { msgs: (async function* () {})(), close: () => undefined, open: false };
    const msgs = await c.consume(PULL);
    return { msgs, close: superviseReader(this.nc, c, msgs, signal), open: true };
  }

  /** Closes the connection if this store opened it (appends in flight get their acks first). */
  async close(): Promise<void> {
    this.#leaderSub?.unsubscribe();
    if (!this.#ownsConnection) this.#publisher.close();
    else if (!this.nc.isClosed()) await this.nc.drain();
  }
}
