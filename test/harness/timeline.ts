/** Reads a cluster's event log back as a readable timeline (for tests that report timings). */
import { EventStore } from '@wharf/store';

/** Events after `since` (ms) as lines `+ms Type name actor (reason)`, optionally filtered. */
export async function timeline(natsUrl: string, cluster: string, since: number, keep: (type: string) => boolean = () => true): Promise<string[]> {
  const store = await EventStore.connect({ natsUrl, cluster, name: 'test-timeline' });
  const { last } = await store.bounds();
  const abort = new AbortController();
  const out: string[] = [];
  try {
    for await (const e of store.read(1, store.subjects.allObjects, abort.signal)) {
      const t = Date.parse(e.metadata.time) - since;
      if (t >= 0 && keep(e.type)) out.push(`+${t}ms ${e.type} ${e.data.metadata.name} ${e.metadata.actor}${e.metadata.reason ? ` (${e.metadata.reason})` : ''}`);
      if (e.seq >= last) break;
    }
  } finally {
    abort.abort();
    await store.close();
  }
  return out;
}
