/**
 * Test fixtures for the write path without servers: an in-memory log that checks expected
 * sequences and de-duplication ids as JetStream does (one server, or an R3 stream), can lose an
 * acknowledgement, and a view that folds it up to what it has seen (a projection that can lag).
 */
import { TimeoutError } from '@nats-io/nats-core';
import { emptyState, evolve, getObject, type KindName, type KObject, type LoggedEvent, type State, type StoredEvent, Subjects } from '@wharf/model';
import { DuplicateAppendError, StaleSequenceError } from './appenderrors.js';
import type { Successor } from './eventstore.js';
import type { ObjectLog, ObjectView } from './objects.js';

/** What happens to one append: it lands and is acknowledged, it is lost, or it lands and its acknowledgement is lost. */
export type Delivery = 'acked' | 'lost' | 'unacked';

/** An event log in memory. */
export class MemoryLog implements ObjectLog {
  readonly subjects = new Subjects('unit');
  readonly events: (LoggedEvent & { msgId?: string | undefined })[] = [];
  /** Messages the gate sets aside: they take a sequence and fold as nothing. */
  readonly corrupt: { seq: number; subject: string }[] = [];
  /** Runs once before the next append reaches the log: another writer's turn. */
  interrupt: (() => void) | undefined;
  /**
   * 'single': a duplicate id is answered before the expected sequence is checked (one server);
   * 'r3': the expected sequence first (a clustered stream), so a write whose subject moved on is
   * stale even when its id is stored.
   */
  mode: 'single' | 'r3' = 'single';
  /** How the next appends fare, in order (then: acked). */
  deliveries: Delivery[] = [];
  /** Every append sent, with its id. */
  readonly sent: { expected: number; msgId: string | undefined }[] = [];

  async append(subject: string, event: StoredEvent, expected: number, msgId?: string): Promise<number> {
    const cut = this.interrupt;
    this.interrupt = undefined;
    cut?.();
    this.sent.push({ expected, msgId });
    const delivery = this.deliveries.shift() ?? 'acked';
    if (delivery === 'lost') throw new TimeoutError();
    const seq = this.write(subject, event, expected, msgId);
    if (delivery === 'unacked') throw new TimeoutError();
    return seq;
  }

  get length(): number {
    return this.events.length + this.corrupt.length;
  }

  /** Appends as JetStream would, checking the id and the expected sequence in this log's order. */
  write(subject: string, event: StoredEvent, expected: number, msgId?: string): number {
    const dup = msgId === undefined ? undefined : this.events.find((e) => e.msgId === msgId);
    if (dup && this.mode === 'single') throw new DuplicateAppendError(subject, expected, dup.seq);
    if (this.#lastSeq(subject) !== expected) throw new StaleSequenceError(subject, expected);
    if (dup) throw new DuplicateAppendError(subject, expected, dup.seq);
    const seq = this.length + 1;
    this.events.push({ ...structuredClone(event), seq, subject, msgId });
    return seq;
  }

  /** Junk published on `subject` by someone else (no expected sequence). */
  poison(subject: string): number {
    const seq = this.length + 1;
    this.corrupt.push({ seq, subject });
    return seq;
  }

  #lastSeq(subject: string): number {
    return Math.max(0, ...[...this.events, ...this.corrupt].filter((m) => m.subject === subject).map((m) => m.seq));
  }

  async tail(subject: string): Promise<{ event: LoggedEvent | undefined; seq: number }> {
    return { event: this.events.findLast((e) => e.subject === subject), seq: this.#lastSeq(subject) };
  }

  async successor(subject: string, after: number): Promise<Successor | undefined> {
    const next = [...this.events, ...this.corrupt].filter((m) => m.subject === subject && m.seq > after).sort((a, b) => a.seq - b.seq)[0];
    if (!next) return undefined;
    const e = this.events.find((x) => x.seq === next.seq);
    return { seq: next.seq, msgId: e?.msgId, event: e };
  }
}

/** A projection of a MemoryLog that folds only up to what it was asked to see. */
export class MemoryView implements ObjectView {
  state: State = emptyState();
  syncs = 0;
  constructor(readonly log: MemoryLog) {}
  #upTo(seq: number) {
    this.state = evolve(this.state, this.log.events.filter((e) => e.seq > this.state.seq && e.seq <= seq), seq).state;
  }
  get<T extends KObject = KObject>(kind: KindName, namespace: string | undefined, name: string): T | undefined {
    return getObject(this.state, kind, namespace, name) as T | undefined;
  }
  async sync(): Promise<void> {
    this.syncs++;
    this.#upTo(this.log.length);
  }
  async waitFor(seq: number): Promise<void> {
    this.#upTo(seq);
  }
}
