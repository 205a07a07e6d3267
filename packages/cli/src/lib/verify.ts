/** Printing `wharf replay --verify`: a one-line verdict, one line per difference and the corrupt messages passed over. */
import type { VerifyReport } from '@wharf/model';

/** The report as text; `ok` is false when the replay and the live state differ (corrupt messages alone do not make it fail). */
export function formatVerify(r: VerifyReport): { text: string; ok: boolean } {
  const from = r.base === 0 ? 'the first event' : `the snapshot at revision ${r.base} (the log before it is past retention)`;
  const head = `replayed ${r.events} events from ${from} up to revision ${r.revision} in ${r.ms} ms: ${r.objects} objects`;
  const corrupt = corruptLines(r);
  if (r.differences.length === 0) return { text: `${head}, identical to the live state\n${corrupt}`, ok: true };
  const lines = r.differences.map((d) => `  ${d.problem}: ${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}${d.fields?.length ? ` (${d.fields.slice(0, 5).join(', ')})` : ''}`);
  return { text: `${head}, ${r.differences.length} DIFFERENCES from the live state:\n${lines.join('\n')}\n${corrupt}`, ok: false };
}

function corruptLines(r: VerifyReport): string {
  const { count, items } = r.corrupt;
  if (count === 0) return '';
  const lines = items.map((c) => `  revision ${c.seq} on ${c.subject}: ${c.reason}`);
  if (count > items.length) lines.push(`  ... and ${count - items.length} more ('wharf events' lists them as CorruptEvent)`);
  return `${count} corrupt message${count === 1 ? '' : 's'} in the log passed over (set aside by the live state too):\n${lines.join('\n')}\n`;
}
