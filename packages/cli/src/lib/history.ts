/** Printing history entries (wharf history, wharf events) as kubectl-like tables, JSON or YAML. */
import type { HistoryEntry } from '@wharf/model';
import { formatTable } from './tabwriter.js';
import { toJson, toYaml } from './output.js';

/** The output formats of history commands. */
export type HistoryFormat = 'table' | 'json' | 'yaml';

/** A time as `2025-01-01 10:02:03` (UTC), or the input when it is not a time. */
export function shortTime(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace('T', ' ').slice(0, 19);
}

function objectRef(e: HistoryEntry, withNamespace: boolean): string {
  const kind = e.kind.toLowerCase() === 'replicationcontroller' ? 'rc' : e.kind.toLowerCase();
  return `${withNamespace && e.namespace ? `${e.namespace}/` : ''}${kind}/${e.name}`;
}

/** The rows of one object's history: REVISION TIME TYPE ACTOR CAUSE CHANGE. */
export function historyTable(entries: readonly HistoryEntry[], opts: { noHeaders?: boolean } = {}): string {
  const rows = entries.map((e) => [String(e.revision), shortTime(e.time), e.type, e.actor, e.cause !== undefined ? String(e.cause) : e.actor.startsWith('system:') ? '' : '<user>', [e.change, e.reason ? `(${e.reason})` : ''].filter(Boolean).join(' ')]);
  return formatTable({ headers: ['REVISION', 'TIME', 'TYPE', 'ACTOR', 'CAUSE', 'CHANGE'], rows }, opts).text;
}

/** The rows of the audit log: REVISION TIME TYPE OBJECT ACTOR CAUSE CHANGE; returns the widths for later rows. */
export function auditTable(entries: readonly HistoryEntry[], opts: { noHeaders?: boolean; allNamespaces?: boolean; widths?: number[] } = {}): { text: string; widths: number[] } {
  const rows = entries.map((e) => [String(e.revision), shortTime(e.time), e.type, objectRef(e, Boolean(opts.allNamespaces)), e.actor, e.cause !== undefined ? String(e.cause) : '', e.change || e.reason || '']);
  return formatTable({ headers: ['REVISION', 'TIME', 'TYPE', 'OBJECT', 'ACTOR', 'CAUSE', 'CHANGE'], rows }, { ...opts });
}

/** Entries as a JSON or YAML document (`kind: History`). */
export function formatEntries(entries: readonly HistoryEntry[], format: 'json' | 'yaml'): string {
  const doc = { apiVersion: 'wharf.io/v1', kind: 'History', items: entries };
  return format === 'json' ? toJson(doc) : toYaml(doc);
}
