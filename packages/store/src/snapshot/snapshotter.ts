/**
 * Periodic snapshots of a live projection: after every `everyEvents` events, or after `everyMs`
 * when anything changed, the current immutable state is saved (one save in flight at a time),
 * then old snapshots beyond `keep` are pruned. A failed save is logged and tried again later.
 */
import type { Logger } from '../logger.js';
import type { Projection } from '../projection.js';
import type { SnapshotStore } from './store.js';

/** How often to snapshot and how many to keep. */
export interface SnapshotPolicy {
  /** Snapshot after this many new events (0: never by count). */
  everyEvents: number;
  /** Snapshot this often when there are new events (0: never by time). */
  everyMs: number;
  /** Snapshots to keep (older ones are deleted); time travel reaches back to the oldest kept. */
  keep: number;
}

/** Saves snapshots of one projection by a policy. */
export class Snapshotter {
  #lastSeq: number;
  #lastTime = '';
  #saving: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(readonly projection: Projection, readonly snapshots: SnapshotStore, readonly policy: SnapshotPolicy, readonly log: Logger) {
    this.#lastSeq = projection.seq;
  }

  /** Starts watching the projection. */
  start(): void {
    this.#unsubscribe = this.projection.onChange((changes, state) => {
      const last = changes[changes.length - 1];
      if (last) this.#lastTime = last.event.metadata.time;
      if (this.policy.everyEvents > 0 && state.seq - this.#lastSeq >= this.policy.everyEvents) void this.saveNow();
    });
    if (this.policy.everyMs > 0) {
      this.#timer = setInterval(() => {
        if (this.projection.seq > this.#lastSeq) void this.saveNow();
      }, this.policy.everyMs);
      this.#timer.unref();
    }
  }

  /** Saves the current state now (waits for a save in flight first). */
  async saveNow(): Promise<void> {
    if (this.#saving) return this.#saving;
    const state = this.projection.state;
    if (state.seq === 0) return;
    this.#saving = (async () => {
      try {
        const t0 = Date.now();
        const header = await this.snapshots.save(state, this.#lastTime);
        this.#lastSeq = state.seq;
        if (header) this.log.info({ seq: header.seq, objects: header.count, ms: Date.now() - t0 }, 'saved a snapshot');
        await this.snapshots.prune(this.policy.keep);
      } catch (err) {
        this.log.warn({ err }, 'saving a snapshot failed; trying again later');
      } finally {
        this.#saving = undefined;
      }
    })();
    return this.#saving;
  }

  /** Stops; waits for a save in flight. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#timer) clearInterval(this.#timer);
    await this.#saving;
  }
}
