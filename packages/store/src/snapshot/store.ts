/**
 * Snapshots in a JetStream Object Store bucket (`wharf_<C>_snapshots`), one object per covered
 * sequence, named `snap-<seq, 12 digits>`. A put is a create-if-absent (the meta subject must be
 * empty), so N writers of the same sequence never overwrite each other; since the fold is
 * deterministic they would write the same state anyway. Readers verify the checksum and fall
 * back to older snapshots.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { Logger } from '../logger.js';
import type { EventStore } from '../eventstore.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotHeader, type SnapshotInfo, type State } from '@wharf/model';

const PREFIX = 'snap-';

/** The object name of the snapshot at `seq`. */
export function snapshotName(seq: number): string {
  return PREFIX + String(seq).padStart(12, '0');
}

/** Handle on one cluster's snapshot bucket. */
export class SnapshotStore {
  private constructor(readonly store: EventStore, readonly os: ObjectStore) {}

  /** Opens (creating if needed, with the event log's replicas unless told otherwise) the cluster's snapshot bucket. */
  static async open(store: EventStore, replicas?: number): Promise<SnapshotStore> {
    const objm = new Objm(store.nc);
    replicas ??= await store.currentReplicas();
    const name = store.subjects.snapshotBucket;
    // An existing bucket made with other settings (fewer replicas, before the cluster grew) is used as it is.
    const os = await objm.create(name, { storage: StorageType.File, replicas, description: `Wharf projection snapshots of cluster ${store.subjects.cluster}` }).catch(() => objm.open(name));
    return new SnapshotStore(store, os);
  }

  /** Every snapshot, newest first. */
  async list(): Promise<SnapshotInfo[]> {
    const infos = await this.os.list();
    const out: SnapshotInfo[] = [];
    for (const i of infos) {
      if (i.deleted || !i.name.startsWith(PREFIX)) continue;
      out.push({ name: i.name, seq: Number(i.name.slice(PREFIX.length)), time: i.metadata?.time ?? '', size: i.size });
    }
    return out.sort((a, b) => b.seq - a.seq);
  }

  /** Saves `state` unless a snapshot of its sequence exists; returns the header, or undefined when skipped. */
  async save(state: State, time: string): Promise<SnapshotHeader | undefined> {
    const name = snapshotName(state.seq);
    if (await this.os.info(name)) return undefined;
    const { header, bytes } = await encodeSnapshot(state, this.store.subjects.cluster, time);
    try {
      await this.os.putBlob({ name, description: `state at sequence ${state.seq}`, metadata: { seq: String(state.seq), time, sha256: header.sha256 } }, bytes, { previousRevision: 0, timeout: 30_000 });
    } catch (e) {
      // Another writer created it first: theirs is the same state.
      if (e instanceof JetStreamApiError && e.code === 10071) return undefined;
      throw e;
    }
    return header;
  }

  /** Reads and checks one snapshot; throws CorruptSnapshotError (or a NATS error) when it cannot. */
  async load(info: Pick<SnapshotInfo, 'name'>): Promise<{ header: SnapshotHeader; state: State }> {
    const bytes = await this.os.getBlob(info.name);
    if (!bytes) throw new Error(`snapshot ${info.name} is gone`);
    return decodeSnapshot(bytes, this.store.subjects.cluster);
  }

  /**
   * The newest snapshot that loads, optionally at or before `atMost` and satisfying `accept`;
   * each one that fails to load is skipped with a warning.
   */
  async latest(log: Logger | undefined, atMost = Infinity, accept: (i: SnapshotInfo) => boolean = () => true): Promise<{ header: SnapshotHeader; state: State } | undefined> {
    for (const info of await this.list()) {
      if (info.seq > atMost || !accept(info)) continue;
      try {
        return await this.load(info);
      } catch (err) {
        log?.warn({ err, snapshot: info.name }, 'skipping a snapshot that cannot be loaded');
      }
    }
    return undefined;
  }

  /** Deletes all but the newest `keep` snapshots; returns how many went. */
  async prune(keep: number): Promise<number> {
    const old = (await this.list()).slice(Math.max(1, keep));
    for (const i of old) await this.os.delete(i.name).catch(() => undefined);
    return old.length;
  }

  /** Writes raw bytes under a snapshot name (for tests of corrupt snapshots). */
  async putRaw(seq: number, bytes: Uint8Array): Promise<void> {
    await this.os.putBlob({ name: snapshotName(seq), metadata: { seq: String(seq), time: '' } }, bytes);
  }
}
