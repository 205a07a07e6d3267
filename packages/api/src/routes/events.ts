/**
 * core/v1 Events, synthesized on read from the log (see the api README): an involvedObject
 * field selector reads that object's whole history, however old; a list without one derives
 * from a recent window of the log. Events stored by clients (POST) are served alongside.
 */
import { deriveAll, type Event, type KObject, mustKind, NotFoundError, parseFieldSelector, type Stored } from '@wharf/model';
import { derivedEvents, eventAt, subjectHistory } from '@wharf/store';
import type { ApiContext } from '../context.js';
import { str, type Query } from '../http/query.js';
import { compileFilter } from '../resources.js';

const EventKind = mustKind('Event');

function byTime(a: Stored<Event>, b: Stored<Event>): number {
  const ta = a.lastTimestamp ?? '';
  const tb = b.lastTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Number(a.metadata.resourceVersion ?? 0) - Number(b.metadata.resourceVersion ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1);
}

/** Events of a namespace (or all), stored and derived, filtered by the request's selectors; with the list's resourceVersion. */
export async function listEvents(ctx: ApiContext, ns: string | undefined, q: Query): Promise<[Stored<Event>[], number]> {
  const selectors = { labelSelector: str(q, 'labelSelector'), fieldSelector: str(q, 'fieldSelector') };
  const filter = compileFilter(EventKind, selectors);
  const fields = parseFieldSelector('Event', selectors.fieldSelector);
  const eq = (f: string) => fields.find((r) => r.field === f && r.op === '=')?.value;
  await ctx.projection.sync();
  const seq = ctx.projection.seq;
  const stored = ctx.projection.list('Event', ns);
  const derived = await derivedEvents(ctx.store, {
    namespace: ns ?? eq('involvedObject.namespace'),
    involvedKind: eq('involvedObject.kind'),
    involvedName: eq('involvedObject.name'),
  });
  const items = [...stored, ...derived].filter((o) => (!ns || o.metadata.namespace === ns) && filter(o)).sort(byTime);
  return [items, seq];
}

/** One event by name: a stored one, or a derived one (`<object>.<seq hex>.<n>`). */
export async function getEvent(ctx: ApiContext, ns: string | undefined, name: string): Promise<KObject> {
  await ctx.projection.sync();
  const stored = ctx.projection.get('Event', ns, name);
  if (stored) return stored;
  const m = /\.([0-9a-f]+)\.\d+$/.exec(name);
  const e = m ? await eventAt(ctx.store, parseInt(m[1]!, 16)) : undefined;
  if (e) {
    const derived = deriveAll(await subjectHistory(ctx.store, e.subject, { to: e.seq }));
    const hit = derived.find((d) => d.metadata.name === name && (!ns || d.metadata.namespace === ns));
    if (hit) return hit;
  }
  throw new NotFoundError('events', name);
}
