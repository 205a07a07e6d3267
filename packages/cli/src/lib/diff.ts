/** Printing `wharf diff`: CHANGE KIND NAMESPACE NAME FROM TO, one object per line. */
import type { ObjectChange } from '@wharf/model';
import { formatTable } from './tabwriter.js';
import { toJson, toYaml } from './output.js';

/** The changed objects between revisions `from` and `to`. */
export function formatDiff(d: { from: number; to: number; items: ObjectChange[] }, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(d);
  if (format === 'yaml') return toYaml(d);
  if (d.items.length === 0) return `No changes between revision ${d.from} and revision ${d.to}.\n`;
  const rows = d.items.map((c) => [c.change, `${c.kind.toLowerCase() === 'replicationcontroller' ? 'rc' : c.kind.toLowerCase()}/${c.name}`, c.namespace || '<none>', c.fromRevision ? String(c.fromRevision) : '-', c.toRevision ? String(c.toRevision) : '-']);
  return `Changes from revision ${d.from} to revision ${d.to}:\n` + formatTable({ headers: ['CHANGE', 'OBJECT', 'NAMESPACE', 'FROM', 'TO'], rows }).text;
}
