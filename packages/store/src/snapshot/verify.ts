/**
 * Replay verification: rebuild the state from the start of the log (or the oldest base the
 * retained log allows) in a fresh fold, and compare it object by object with a live state.
 */
import type { EventStore } from '../eventstore.js';
import { replayOnto } from './timetravel.js';
import type { SnapshotStore } from './store.js';
import { allObjects, compareStates, type CorruptEvent, emptyState, type State, VERIFY_CORRUPT_ITEMS, type VerifyReport } from '@wharf/model';

/**
 * Replays from the first event (or, past retention, the newest snapshot the log continues from) up
 * to `live.seq`, and compares; reports the corrupt messages the replay passed over.
 */
export async function verifyReplay(store: EventStore, live: State, snapshots?: SnapshotStore): Promise<VerifyReport> {
  const t0 = Date.now();
  const { first } = await store.bounds();
  let base = emptyState();
  if (first > 1 && snapshots) {
    const snap = await snapshots.latest(undefined, live.seq, (i) => i.seq + 1 >= first);
    if (snap) base = snap.state;
  }
  const corrupt = { count: 0, items: [] as CorruptEvent[] };
  const replayed = await replayOnto(store, base, live.seq, undefined, (c) => {
    if (corrupt.count++ < VERIFY_CORRUPT_ITEMS) corrupt.items.push(c);
  });
  const differences = compareStates(live, replayed);
  let objects = 0;
  for (const _ of allObjects(live)) objects++;
  return { revision: live.seq, base: base.seq, objects, events: live.seq - base.seq, ms: Date.now() - t0, differences, corrupt };
}
