import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../events.js';
import { compactDiff, diffObjects } from './diff.js';
import { deriveEvents } from './kevents.js';
import { parsePoint } from './point.js';
import { explain } from './why.js';
import { CorruptSnapshotError, decodeSnapshot } from '../snapshot.js';

const ev = (seq: number, type: string, data: Record<string, unknown>, meta: Partial<LoggedEvent['metadata']> = {}): LoggedEvent =>
  ({ seq, type, subject: `s.${String((data.metadata as { name: string }).name)}`, data: data as LoggedEvent['data'], metadata: { actor: 'admin', time: '2025-01-01T10:02:00Z', ...meta } }) as LoggedEvent;

describe('history building blocks', () => {
  it('parses revisions, times and ages', () => {
    expect(parsePoint('42')).toEqual({ revision: 42 });
    expect(parsePoint('2025-01-01T10:00:00Z')).toEqual({ time: Date.parse('2025-01-01T10:00:00Z') });
    expect(parsePoint('10m', 1_000_000)).toEqual({ time: 400_000 });
    expect(parsePoint('99999999d', 1_000_000)).toEqual({ time: 0 });
    expect(parsePoint(`${'9'.repeat(400)}d`)).toEqual({ time: 0 });
    expect(() => parsePoint('soon')).toThrow(/invalid point/);
  });

  it('diffs objects compactly and states by key', () => {
    expect(compactDiff({ spec: { replicas: 5 }, metadata: { resourceVersion: '1' } }, { spec: { replicas: 8 }, metadata: { resourceVersion: '2' } })).toBe('spec.replicas: 5 → 8');
    expect(compactDiff({ status: { phase: 'Pending' } }, { status: { phase: 'Running', podIP: '1.2.3.4' } })).toBe('status.phase: Pending → Running, status.podIP: ∅ → 1.2.3.4');
    const o = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'd', resourceVersion: rv } });
    expect(diffObjects([o('a', '1'), o('b', '2')], [o('b', '3'), o('c', '4')]).map((c) => `${c.change} ${c.name}`)).toEqual(['DELETED a', 'MODIFIED b', 'ADDED c']);
  });

  it('derives Scheduled, Pulled/Created/Started and BackOff from pod events', () => {
    const pod = (status: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default', uid: 'u' }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'img' }] }, status });
    expect(deriveEvents(ev(3, 'PodBound', pod({})), undefined).map((e) => [e.reason, e.message])).toEqual([['Scheduled', 'Successfully assigned default/x to node-a']]);
    const running = pod({ containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'img', state: { running: {} } }] });
    expect(deriveEvents(ev(4, 'PodStatusUpdated', running), pod({})).map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
    const crash = pod({ containerStatuses: [{ name: 'c', ready: false, restartCount: 1, image: 'img', state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    const derived = deriveEvents(ev(5, 'PodStatusUpdated', crash), running);
    expect(derived.map((e) => [e.type, e.reason])).toEqual([['Warning', 'BackOff']]);
    expect(derived[0]!.metadata.name).toBe('x.5.0');
  });

  it('derives CIDRNotAvailable, as the range allocator records it, from a node that got no pod CIDR', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'NetworkUnavailable', status: 'True', reason: 'NoCIDRAvailable' }] } };
    const derived = deriveEvents(ev(6, 'NodeCIDRNotAvailable', node, { actor: 'system:node-ipam-controller' }), { ...node, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as LoggedEvent['data']);
    expect(derived.map((e) => [e.type, e.reason, e.message, e.source?.component, e.involvedObject.name])).toEqual([['Normal', 'CIDRNotAvailable', 'Node n3 status is now: CIDRNotAvailable', 'cidrAllocator', 'n3']]);
    expect(deriveEvents(ev(7, 'NodePodCIDRAssigned', { ...node, spec: { podCIDR: '10.244.1.0/24' } }), node as LoggedEvent['data'])).toEqual([]);
  });

  it('explains a chain of causes back to the user', () => {
    const rc = ev(10, 'ReplicationControllerScaled', { kind: 'ReplicationController', metadata: { name: 'ms1', namespace: 'd' }, spec: { replicas: 5 } });
    const pod = ev(11, 'PodCreated', { kind: 'Pod', metadata: { name: 'ms1-a', namespace: 'd' }, spec: {} }, { actor: 'system:replication-controller', cause: 10 });
    const a = explain([pod, rc]);
    expect(a.summary[0]).toBe('pod/ms1-a was created by system:replication-controller at 10:02:00 (revision 11).');
    expect(a.summary[1]).toBe('  because rc/ms1 was scaled to 5 by user admin at 10:02:00 (revision 10)');
  });

  it('explains a deleted pod\'s deletion back to the request: the agent\'s PodDeleted, because of the user\'s delete', () => {
    const data = { kind: 'Pod', metadata: { name: 'web', namespace: 'd' }, spec: { nodeName: 'node-a' } };
    const created = ev(3, 'PodCreated', data);
    const requested = ev(7, 'PodDeletionRequested', data, { reason: 'graceful deletion, 30s' });
    const deleted = ev(9, 'PodDeleted', data, { actor: 'system:node:node-a', cause: 7, reason: 'containers stopped and removed' });
    const a = explain([created], undefined, [deleted, requested]);
    expect(a.deletion?.map((s) => [s.revision, s.type, s.actor])).toEqual([[9, 'PodDeleted', 'system:node:node-a'], [7, 'PodDeletionRequested', 'admin']]);
    expect(a.summary.slice(1)).toEqual([
      'pod/web was deleted by system:node:node-a from node-a at 10:02:00 (revision 9): containers stopped and removed.',
      '  because deletion of pod/web was requested by user admin at 10:02:00 (revision 7): graceful deletion, 30s',
    ]);
    expect(explain([created]).deletion).toBeUndefined();
  });

  it('refuses corrupt snapshots', async () => {
    await expect(decodeSnapshot(Buffer.from('nope'))).rejects.toBeInstanceOf(CorruptSnapshotError);
    const bad = gzipSync(JSON.stringify({ format: 'wharf-snapshot/1', cluster: 'c', seq: 1, time: '', count: 0, sha256: 'x' }) + '\n[]');
    await expect(decodeSnapshot(bad)).rejects.toThrow(/checksum/);
  });
});
