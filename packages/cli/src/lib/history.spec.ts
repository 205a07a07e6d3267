import { describe, expect, it } from 'vitest';
import type { Event, HistoryEntry, Pod, Stored } from '@wharf/model';
import { formatDiff } from './diff.js';
import { auditTable, historyTable } from './history.js';
import { formatVerify } from './verify.js';
import { describeText } from './describe/index.js';

const entry = (revision: number, type: string, actor: string, change: string, cause?: number): HistoryEntry => ({
  revision, time: '2025-01-01T10:02:03Z', type, actor, change, kind: 'ReplicationController', namespace: 'default', name: 'ms1',
  object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'ms1' } }, ...(cause !== undefined ? { cause } : {}),
});

describe('history output', () => {
  it('prints REVISION TIME TYPE ACTOR CAUSE CHANGE with <user> for user actions', () => {
    const text = historyTable([entry(4, 'ReplicationControllerCreated', 'admin', 'created'), entry(9, 'ReplicationControllerScaled', 'admin', 'spec.replicas: 5 → 8'), entry(12, 'ReplicationControllerStatusUpdated', 'system:replication-controller', 'status.replicas: 5 → 8', 9)]);
    expect(text.split('\n')).toEqual([
      'REVISION   TIME                  TYPE                                 ACTOR                           CAUSE    CHANGE',
      '4          2025-01-01 10:02:03   ReplicationControllerCreated         admin                           <user>   created',
      '9          2025-01-01 10:02:03   ReplicationControllerScaled          admin                           <user>   spec.replicas: 5 → 8',
      '12         2025-01-01 10:02:03   ReplicationControllerStatusUpdated   system:replication-controller   9        status.replicas: 5 → 8',
      '',
    ]);
    expect(auditTable([entry(4, 'ReplicationControllerCreated', 'admin', 'created')], { allNamespaces: true }).text).toContain('default/rc/ms1');
  });

  it('prints diffs and verification verdicts', () => {
    expect(formatDiff({ from: 1, to: 5, items: [{ change: 'ADDED', kind: 'Pod', namespace: 'default', name: 'x', fromRevision: 0, toRevision: 5 }] }, 'table')).toBe('Changes from revision 1 to revision 5:\nCHANGE   OBJECT   NAMESPACE   FROM   TO\nADDED    pod/x    default     -      5\n');
    const none = { count: 0, items: [] };
    expect(formatVerify({ revision: 9, base: 0, objects: 3, events: 9, ms: 1, differences: [], corrupt: none }).ok).toBe(true);
    const bad = formatVerify({ revision: 9, base: 0, objects: 3, events: 9, ms: 1, differences: [{ kind: 'Pod', namespace: 'd', name: 'x', problem: 'differs', fields: ['metadata.labels.a'] }], corrupt: none });
    expect(bad.ok).toBe(false);
    expect(bad.text).toContain('differs: Pod d/x (metadata.labels.a)');
    const item = { type: 'CorruptEvent' as const, seq: 4, subject: 'wharf.c.obj.pod.d.x', reason: 'not JSON: bad' };
    const poisoned = formatVerify({ revision: 9, base: 0, objects: 3, events: 9, ms: 1, differences: [], corrupt: { count: 21, items: [item] } });
    expect(poisoned.ok).toBe(true);
    expect(poisoned.text).toContain('21 corrupt messages in the log passed over');
    expect(poisoned.text).toContain('  revision 4 on wharf.c.obj.pod.d.x: not JSON: bad\n  ... and 20 more');
  });

  it('describes a pod with its Events section', () => {
    const pod: Stored<Pod> = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default', labels: { app: 'a' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'img' }] }, status: { phase: 'Running' } };
    const ev: Event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'x' }, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/x to n1', source: { component: 'default-scheduler' }, lastTimestamp: '2025-01-01T10:00:00Z' };
    const text = describeText(pod, [ev], new Date('2025-01-01T10:01:00Z'));
    expect(text).toMatch(/^Name:\s+x\nNamespace:\s+default\n/);
    expect(text).toMatch(/Status:\s+Running/);
    expect(text).toContain('Events:\n  Type     Reason      Age    From                Message\n  ----     ------      ----   ----                -------\n  Normal   Scheduled   60s    default-scheduler   Successfully assigned default/x to n1\n');
  });
});
