/** The history extensions of the API (/wharf/v1): object history, audit log, why, diff, replay verification, snapshots. */
import type { HistoryEntry, ObjectChange, SnapshotInfo, VerifyReport, WhyAnswer } from '@wharf/model';
import type { WharfClient } from './client.js';
import { kindOf, queryString, resourcePath } from './paths.js';

/** Filters of the audit log, as the API takes them (points are revisions, RFC 3339 times or ages like 10m). */
export interface AuditQuery {
  since?: string | undefined;
  until?: string | undefined;
  actor?: string | undefined;
  kind?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
  limit?: number | undefined;
}

/** An audit log page. */
export interface AuditLog {
  metadata: { resourceVersion: string; truncated: boolean };
  items: HistoryEntry[];
}

function objectPath(prefix: string, kind: string, namespace: string | undefined, name: string): string {
  return `/wharf/v1/${prefix}` + resourcePath(kindOf(kind), { namespace, name }).slice('/api/v1'.length);
}

/** Calls to the history API over one client. */
export class HistoryApi {
  constructor(readonly client: WharfClient) {}

  /** Every change to one object, oldest first. */
  async history(kind: string, namespace: string | undefined, name: string): Promise<HistoryEntry[]> {
    return (await this.client.request<{ items: HistoryEntry[] }>('GET', objectPath('history', kind, namespace, name))).items;
  }

  /** The audit log (newest `limit` entries that match, oldest first). */
  audit(q: AuditQuery = {}): Promise<AuditLog> {
    return this.client.request<AuditLog>('GET', '/wharf/v1/audit' + queryString({ ...q }));
  }

  /** Follows the audit log: the matching history first, then new entries until `signal` aborts. */
  async *watchAudit(q: AuditQuery, signal?: AbortSignal): AsyncGenerator<HistoryEntry> {
    for await (const ev of this.client.stream<{ type: string; object: HistoryEntry }>('/wharf/v1/audit' + queryString({ ...q, watch: true }), signal)) yield ev.object;
  }

  /** Why the object exists: its chain of causes. */
  why(kind: string, namespace: string | undefined, name: string): Promise<WhyAnswer> {
    return this.client.request<WhyAnswer>('GET', objectPath('why', kind, namespace, name));
  }

  /** Objects that changed between two points (`to` defaults to now). */
  diff(from: string, to?: string): Promise<{ from: number; to: number; items: ObjectChange[] }> {
    return this.client.request('GET', '/wharf/v1/diff' + queryString({ from, to }));
  }

  /** Rebuilds the state from the log on the server and compares it with the live one. */
  verify(): Promise<VerifyReport> {
    return this.client.request<VerifyReport>('GET', '/wharf/v1/replay/verify');
  }

  /** The saved snapshots and the log's bounds. */
  snapshots(): Promise<{ log: { first: number; last: number }; items: SnapshotInfo[] }> {
    return this.client.request('GET', '/wharf/v1/snapshots');
  }
}
