/** Start-up from a snapshot: the newest one that loads, else the empty state (a full replay), with warnings. */
import type { Logger } from '../logger.js';
import type { EventStore } from '../eventstore.js';
import type { SnapshotStore } from './store.js';
import { emptyState, type State } from '@wharf/model';

/** The state a projection should start from: the newest good snapshot, or empty with a warning when there is none. */
export async function initialState(store: EventStore, snapshots: SnapshotStore | undefined, log: Logger): Promise<State> {
  if (!snapshots) return emptyState();
  const { first, last } = await store.bounds();
  const t0 = Date.now();
  let listed = 0;
  try {
    listed = (await snapshots.list()).length;
  } catch (err) {
    log.warn({ err }, 'cannot list snapshots; falling back to a full replay of the log');
    return emptyState();
  }
  const snap = listed ? await snapshots.latest(log, last) : undefined;
  if (!snap) {
    if (listed) log.warn({ snapshots: listed }, 'no snapshot could be loaded; falling back to a full replay of the log');
    if (first > 1) log.warn({ first }, 'the log no longer starts at sequence 1 (retention) and no snapshot covers the gap: objects last written before it are missing');
    return emptyState();
  }
  if (snap.header.seq + 1 < first) log.warn({ snapshot: snap.header.seq, first }, 'events between the newest snapshot and the start of the retained log are lost');
  log.info({ seq: snap.header.seq, objects: snap.header.count, ms: Date.now() - t0 }, 'loaded a snapshot');
  return snap.state;
}
