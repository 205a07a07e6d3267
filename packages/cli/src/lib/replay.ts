/** `wharf replay`: where a recorded log comes from (a file from `wharf events -o json`, or the API) and how decisions print. */
import { readFile } from 'node:fs/promises';
import { entryToEvent, type HistoryEntry, isCorruptEntry, type LoggedEvent } from '@wharf/model';
import { HistoryApi } from '@wharf/client';
import { formatDecision, replayScheduler } from '@wharf/scheduler';
import { CliError } from './errors.js';

/** The events of a recorded audit log file (`{items: [...]}` or an array of entries), sorted by revision; CorruptEvent entries are no events and are left out. */
export async function eventsFromFile(path: string): Promise<LoggedEvent[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read the recorded log ${path}: ${(e as Error).message}`);
  }
  const items = (Array.isArray(doc) ? doc : (doc as { items?: unknown[] }).items) as HistoryEntry[] | undefined;
  if (!Array.isArray(items)) throw new CliError(`${path} is not a recorded log: expected the output of 'wharf events -A -o json'`);
  return items.filter((i) => !isCorruptEntry(i)).map(entryToEvent).sort((a, b) => a.seq - b.seq);
}

/** Every event of the cluster up to `to`, through the audit API (without the corrupt messages it lists). */
export async function eventsFromApi(api: HistoryApi, to: number | undefined): Promise<LoggedEvent[]> {
  const log = await api.audit({ until: to !== undefined ? String(to) : undefined, limit: 10_000_000 });
  return log.items.filter((i) => !isCorruptEntry(i)).map(entryToEvent);
}

/** Replays the scheduler over `events`, printing each decision; returns how many differ from the recording. */
export function replaySchedulerDecisions(events: readonly LoggedEvent[], range: { from?: number; to?: number }, out: (line: string) => void): { decisions: number; differing: number } {
  let decisions = 0;
  let differing = 0;
  for (const d of replayScheduler(events, range)) {
    decisions++;
    if (!d.agrees) differing++;
    out(formatDecision(d) + '\n');
  }
  return { decisions, differing };
}
