/** Reads a cluster's whole event log back and tells what happened to its pods (for chaos tests). */
import type { LoggedEvent } from '@wharf/model';
import { EventStore } from '@wharf/store';

/** What the log says about the cluster's pods. */
export interface PodAudit {
  /** Pod creations per name (a name may come back after its pod was deleted). */
  creations: Map<string, number>;
  /** `name (uid)` of each pod created while another pod of that name still existed. */
  createdTwice: string[];
  /** `name (uid)` of each pod bound more than once. */
  boundTwice: string[];
  /** When (ms since the epoch, by the writer's clock) each pod was created, bound and first reported Running. */
  times: Map<string, { created?: number; bound?: number; running?: number }>;
}

/** Folds the pod events of the whole log into a PodAudit. */
export async function auditPods(natsUrl: string, cluster: string): Promise<PodAudit> {
  const audit: PodAudit = { creations: new Map(), createdTwice: [], boundTwice: [], times: new Map() };
  const alive = new Set<string>();
  const bound = new Set<string>();
  const store = await EventStore.connect({ natsUrl, cluster, name: 'test-audit' });
  const abort = new AbortController();
  try {
    const { last } = await store.bounds();
    for await (const e of store.read(1, store.subjects.allObjects, abort.signal)) {
      if (e.type.startsWith('Pod')) fold(audit, alive, bound, e);
      if (e.seq >= last) break;
    }
  } finally {
    abort.abort();
    await store.close();
  }
  return audit;
}

function fold(audit: PodAudit, alive: Set<string>, bound: Set<string>, e: LoggedEvent): void {
  const { name = '', uid = '' } = e.data.metadata;
  const at = Date.parse(e.metadata.time);
  const times = audit.times.get(name) ?? {};
  audit.times.set(name, times);
  if (e.type === 'PodCreated') {
    audit.creations.set(name, (audit.creations.get(name) ?? 0) + 1);
    if (alive.has(name)) audit.createdTwice.push(`${name} (${uid})`);
    alive.add(name);
    times.created ??= at;
  } else if (e.type === 'PodDeleted') alive.delete(name);
  else if (e.type === 'PodBound') {
    if (bound.has(uid)) audit.boundTwice.push(`${name} (${uid})`);
    bound.add(uid);
    times.bound ??= at;
  } else if ((e.data as { status?: { phase?: string } }).status?.phase === 'Running') times.running ??= at;
}
