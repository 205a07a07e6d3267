import { describe, expect, it } from 'vitest';
import type { Pod } from '../schemas/pod.js';
import { podRow, podStatusReason, podSummary } from './pod.js';

const now = new Date('2025-01-01T12:00:00Z');
type CS = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function pod(status: Pod['status'], extra: Partial<Pod['metadata']> = {}, containers = 1): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T11:55:00Z', ...extra },
    spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'busybox' })), nodeName: 'node-1' },
    status,
  };
}
const cs = (over: Partial<CS>): CS => ({ name: 'c0', image: 'busybox', ready: false, restartCount: 0, ...over });

describe('podStatusReason', () => {
  it('is the phase when containers run', () => {
    expect(podStatusReason(pod({ phase: 'Running', containerStatuses: [cs({ ready: true, state: { running: {} } })] }))).toBe('Running');
  });
  it('is Pending without a status', () => expect(podStatusReason(pod(undefined))).toBe('Pending'));
  it('takes a waiting reason over the phase', () => {
    expect(podStatusReason(pod({ phase: 'Pending', containerStatuses: [cs({ state: { waiting: { reason: 'ContainerCreating' } } })] }))).toBe('ContainerCreating');
    expect(podStatusReason(pod({ phase: 'Running', containerStatuses: [cs({ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } })] }))).toBe('CrashLoopBackOff');
    expect(podStatusReason(pod({ phase: 'Pending', containerStatuses: [cs({ state: { waiting: { reason: 'ErrImagePull' } } })] }))).toBe('ErrImagePull');
    expect(podStatusReason(pod({ phase: 'Pending', containerStatuses: [cs({ state: { waiting: { reason: 'ImagePullBackOff' } } })] }))).toBe('ImagePullBackOff');
  });
  it('reports Completed for exit 0 and Error for a failure, or the terminated reason', () => {
    expect(podStatusReason(pod({ phase: 'Succeeded', containerStatuses: [cs({ state: { terminated: { exitCode: 0 } } })] }))).toBe('Completed');
    expect(podStatusReason(pod({ phase: 'Failed', containerStatuses: [cs({ state: { terminated: { exitCode: 2 } } })] }))).toBe('Error');
    expect(podStatusReason(pod({ phase: 'Failed', containerStatuses: [cs({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] }))).toBe('OOMKilled');
    expect(podStatusReason(pod({ phase: 'Failed', containerStatuses: [cs({ state: { terminated: { exitCode: 143, signal: 15 } } })] }))).toBe('Signal:15');
  });
  it('goes back to Running when one container completed and another still runs', () => {
    const p = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [cs({ state: { terminated: { exitCode: 0, reason: 'Completed' } } }), cs({ name: 'c1', ready: true, state: { running: {} } })] }, {}, 2);
    expect(podStatusReason(p)).toBe('Running');
    p.status!.conditions = [{ type: 'Ready', status: 'False' }];
    expect(podStatusReason(p)).toBe('NotReady');
  });
  it('is Terminating once deletionTimestamp is set, unless the phase is terminal', () => {
    const running = { phase: 'Running' as const, containerStatuses: [cs({ ready: true, state: { running: {} } })] };
    expect(podStatusReason(pod(running, { deletionTimestamp: '2025-01-01T11:59:00Z' }))).toBe('Terminating');
    expect(podStatusReason(pod({ phase: 'Succeeded', containerStatuses: [cs({ state: { terminated: { exitCode: 0 } } })] }, { deletionTimestamp: '2025-01-01T11:59:00Z' }))).toBe('Completed');
  });
  it('is NodeLost from status.reason, and Unknown once such a pod is being deleted', () => {
    expect(podStatusReason(pod({ phase: 'Running', reason: 'NodeLost' }))).toBe('NodeLost');
    expect(podStatusReason(pod({ phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2025-01-01T11:59:00Z' }))).toBe('Unknown');
  });
  it('shows init container progress', () => {
    const p = pod({ phase: 'Pending' }) as Parameters<typeof podSummary>[0];
    p.spec.initContainers = [{}, {}];
    p.status!.initContainerStatuses = [cs({ state: { terminated: { exitCode: 0 } } }), cs({ name: 'i1', state: { running: {} } })];
    expect(podStatusReason(p)).toBe('Init:1/2');
    p.status!.initContainerStatuses = [cs({ state: { waiting: { reason: 'CrashLoopBackOff' } } })];
    expect(podStatusReason(p)).toBe('Init:CrashLoopBackOff');
    p.status!.initContainerStatuses = [cs({ state: { terminated: { exitCode: 3 } } })];
    expect(podStatusReason(p)).toBe('Init:ExitCode:3');
  });
});

describe('podRow', () => {
  it('prints ready/total, restarts with "ago", age and the wide cells', () => {
    const p = pod(
      {
        phase: 'Running',
        podIP: '127.0.0.1',
        containerStatuses: [
          cs({ ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T11:58:00Z' } } }),
          cs({ name: 'c1', ready: false, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T11:50:00Z' } } }),
        ],
      },
      {},
      2,
    );
    expect(podRow(p, now)).toEqual(['web', '1/2', 'Running', '3 (2m ago)', '5m', '127.0.0.1', 'node-1', '<none>', '<none>']);
  });
  it('prints a bare count when no termination time is known', () => {
    const p = pod({ phase: 'Running', containerStatuses: [cs({ ready: true, restartCount: 3, state: { running: {} } })] });
    expect(podRow(p, now)[3]).toBe('3');
  });
  it('prints <none> for an unscheduled pod', () => {
    const p = pod({ phase: 'Pending' });
    delete p.spec.nodeName;
    expect(podRow(p, now)).toEqual(['web', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });
});
