/** The Events section of describe, from the Events the API derives from the log (however old). */
import type { Event } from '@wharf/model';
import { ageSince } from '@wharf/model/printers';
import type { WharfClient } from '@wharf/client';
import { formatTable } from '../tabwriter.js';

/** The events whose involvedObject is this object, oldest first. */
export async function eventsFor(client: WharfClient, kind: string, namespace: string | undefined, name: string): Promise<Event[]> {
  const list = await client.list('Event', { ...(namespace ? { namespace } : { allNamespaces: true }), fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
  return list.items;
}

/** `Events:` and a Type/Reason/Age/From/Message table, or `Events:  <none>`. */
export function eventsSection(events: readonly Event[], now = new Date()): string {
  if (events.length === 0) return 'Events:  <none>\n';
  const rows = events.map((e) => [e.type ?? '', e.reason ?? '', e.lastTimestamp ? ageSince(e.lastTimestamp, now) : '<unknown>', e.source?.component ?? e.reportingComponent ?? '', e.message ?? '']);
  const t = formatTable({ headers: ['Type', 'Reason', 'Age', 'From', 'Message'], rows: [['----', '------', '----', '----', '-------'], ...rows] }).text;
  return 'Events:\n' + t.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n') + '\n';
}
