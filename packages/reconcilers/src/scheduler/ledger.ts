/**
 * The allocation ledger on NATS: a KV bucket (history 1) with one key per node holding that
 * node's reservations. Every change is a compare-and-set on the key's revision, retried on a
 * concurrent write with the decision taken again on what is there now; so two scheduler
 * instances can never reserve more than a node holds.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { decodeToken, encodeToken } from '@wharf/model';
import { ensureBucket, type EventStore, type Logger } from '@wharf/store';
import { KvMirror } from '../controller/kvmirror.js';
import { emptyLedger, type NodeLedger, type Reservation } from '@wharf/scheduler';

/** Too many concurrent writers on one node's ledger; try again later. */
export class LedgerContentionError extends Error {
  override name = 'LedgerContentionError';
  constructor(readonly node: string) {
    super(`the allocation ledger of node ${node} kept changing; giving up for now`);
  }
}

function isWrongLastSequence(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

/** Handle on the cluster's allocation ledger. */
export class AllocationLedger {
  /** A mirror of every node's ledger, keyed by encoded node name. */
  readonly mirror: KvMirror<NodeLedger>;

  private constructor(readonly kv: KV, log: Logger) {
    this.mirror = new KvMirror<NodeLedger>(kv, log);
  }

  /** Opens (creating if needed) the bucket and loads the mirror. */
  static async open(store: EventStore, log: Logger): Promise<AllocationLedger> {
    const kv = await ensureBucket(store, store.subjects.allocBucket);
    const ledger = new AllocationLedger(kv, log);
    await ledger.mirror.start();
    return ledger;
  }

  /** The node name of a mirror key. */
  static nodeOf(key: string): string {
    return decodeToken(key);
  }

  /** The mirrored ledger of every node (may lag the bucket by a moment). */
  *cached(): Iterable<[node: string, ledger: NodeLedger]> {
    for (const [k, m] of this.mirror.entries) yield [decodeToken(k), m.value];
  }

  /** Reads one node's ledger now, with the revision to compare against (0: no key yet). */
  async read(node: string): Promise<{ ledger: NodeLedger; revision: number }> {
    const e = await this.kv.get(encodeToken(node));
    if (!e || e.operation !== 'PUT') return { ledger: emptyLedger(), revision: e?.revision ?? 0 };
    return { ledger: e.json<NodeLedger>(), revision: e.revision };
  }

  /**
   * Reads the node's ledger, lets `change` compute the next one (undefined: leave it) and writes
   * it if nobody wrote in between; otherwise reads again. Returns what the last `change` returned.
   */
  async change<R>(node: string, change: (ledger: NodeLedger) => { next?: NodeLedger; result: R }, attempts = 12): Promise<R> {
    for (let i = 0; i < attempts; i++) {
      const { ledger, revision } = await this.read(node);
      const { next, result } = change(ledger);
      if (!next) return result;
      try {
        const body = JSON.stringify(next);
        if (revision === 0) await this.kv.create(encodeToken(node), body);
        else await this.kv.update(encodeToken(node), body, revision);
        return result;
      } catch (e) {
        // Someone else wrote the key first: decide again on what is there now.
        if (!isWrongLastSequence(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** i)));
      }
    }
    throw new LedgerContentionError(node);
  }

  /** Removes the given reservations, but only the exact ones named (same holder and time). */
  async remove(node: string, drop: readonly { key: string; reservation: Reservation }[]): Promise<number> {
    return this.change(node, (ledger) => {
      const pods = { ...ledger.pods };
      let n = 0;
      for (const { key, reservation } of drop) {
        const cur = pods[key];
        if (cur && cur.by === reservation.by && cur.at === reservation.at) {
          delete pods[key];
          n++;
        }
      }
      return n ? { next: { pods }, result: n } : { result: 0 };
    });
  }

  /** Stops the mirror. */
  stop(): void {
    this.mirror.stop();
  }
}
