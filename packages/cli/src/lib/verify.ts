/** Printing `wharf replay --verify`: a one-line verdict and one line per difference. */
import type { VerifyReport } from '@wharf/model';

/** The report as text; `ok` is false when the replay and the live state differ. */
export function formatVerify(r: VerifyReport): { text: string; ok: boolean } {
  const from = r.base === 0 ? 'the first event' : `the snapshot at revision ${r.base} (the log before it is past retention)`;
  const head = `replayed ${r.events} events from ${from} up to revision ${r.revision} in ${r.ms} ms: ${r.objects} objects`;
  if (r.differences.length === 0) return { text: `${head}, identical to the live state\n`, ok: true };
  const lines = r.differences.map((d) => `  ${d.problem}: ${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}${d.fields?.length ? ` (${d.fields.slice(0, 5).join(', ')})` : ''}`);
  return { text: `${head}, ${r.differences.length} DIFFERENCES from the live state:\n${lines.join('\n')}\n`, ok: false };
}
