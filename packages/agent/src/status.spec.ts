import { describe, expect, it } from 'vitest';
import { INFRA } from './labels.js';
import { plan } from './plan.js';
import { podPhase, podStatus } from './status.js';
import { input, inst, podOf } from './testing/fixtures.js';

const statusOf = (pod: ReturnType<typeof podOf>, containers: ReturnType<typeof inst>[], now = 100_000, previous?: Parameters<typeof podStatus>[4], failures = new Map()) => {
  const pp = plan(input({ pods: [{ pod }], containers, now, failures })).pods[0]!;
  return podStatus(pod, pp.views, containers.find((c) => c.container === INFRA), '127.0.0.1', previous, now);
};

describe('pod status', () => {
  it('given all containers running, is Running and Ready, with the declared host ports, the node address and the sandbox\'s pod IP', () => {
    const pod = podOf('p', ['a']);
    pod.spec.containers[0]!.ports = [{ containerPort: 3000, name: 'http', hostPort: 32001 }, { containerPort: 4000, name: 'metrics' }];
    const s = statusOf(pod, [inst('p', INFRA, { hostPort: 32001, ip: '10.244.1.7' }), inst('p', 'a', { id: 'abc', startedAt: 50_000 })]);
    expect(s.phase).toBe('Running');
    expect(s.hostIP).toBe('127.0.0.1');
    expect(s.hostIPs).toEqual([{ ip: '127.0.0.1' }]);
    expect(s.podIP).toBe('10.244.1.7');
    expect(s.podIPs).toEqual([{ ip: '10.244.1.7' }]);
    expect(s.hostPorts).toEqual([{ containerPort: 3000, hostPort: 32001, protocol: 'TCP', name: 'http' }]);
    expect(s.conditions?.map((c) => [c.type, c.status])).toEqual([['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
    expect(s.containerStatuses?.[0]).toEqual({ name: 'a', state: { running: { startedAt: '1970-01-01T00:00:50Z' } }, ready: true, restartCount: 0, image: 'wharf.local/busybox:1', started: true, containerID: 'docker://abc', imageID: 'docker://sha256:abc' });
  });

  it('given no pod IP yet, reports none; once the sandbox is gone, keeps the last one, as the kubelet does', () => {
    const pod = podOf('p', ['a']);
    const none = statusOf(pod, [inst('p', INFRA), inst('p', 'a')]);
    expect(none.podIP).toBeUndefined();
    expect(none.podIPs).toBeUndefined();
    const stopped = statusOf(pod, [inst('p', INFRA, { running: false, ip: '10.244.1.9' }), inst('p', 'a', { running: false, exitCode: 1 })], 100_000, { podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }] });
    expect(stopped.podIP).toBe('10.244.1.7');
  });

  it('given a running container that fails its readiness probe, is Running but not Ready', () => {
    const pod = podOf('p', ['a']);
    const containers = [inst('p', INFRA), inst('p', 'a', { id: 'abc', startedAt: 50_000 })];
    const pp = plan(input({ pods: [{ pod }], containers, now: 100_000 })).pods[0]!;
    const s = podStatus(pod, pp.views, containers[0], '127.0.0.1', undefined, 100_000, (id) => (id === 'abc' ? false : undefined));
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]?.ready).toBe(false);
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    const ok = podStatus(pod, pp.views, containers[0], '127.0.0.1', undefined, 100_000, () => true);
    expect(ok.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('given nothing running yet, is Pending with ContainerCreating', () => {
    const s = statusOf(podOf('p', ['a']), []);
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a]' });
  });

  it('given a crash in back-off, says CrashLoopBackOff with the last termination and stays Running', () => {
    const s = statusOf(podOf('p', ['a']), [inst('p', INFRA), inst('p', 'a', { running: false, exitCode: 1, restartCount: 2, step: 2, startedAt: 98_500, finishedAt: 99_000 })]);
    const cs = s.containerStatuses![0]!;
    expect(cs.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(cs.state?.waiting?.message).toMatch(/^back-off 2s restarting failed container=a pod=p_default\(uid-p\)$/);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.restartCount).toBe(2);
    expect(s.phase).toBe('Running');
  });

  it('given a pull failure, says ErrImagePull first and ImagePullBackOff once shown', () => {
    const f = { reason: 'ErrImagePull' as const, count: 1, at: 99_000, message: 'failed to pull image', shown: false };
    const first = statusOf(podOf('p', ['a']), [inst('p', INFRA)], 100_000, undefined, new Map([['uid-p/a', f]]));
    expect(first.containerStatuses?.[0]?.state?.waiting).toEqual({ reason: 'ErrImagePull', message: 'failed to pull image' });
    const later = statusOf(podOf('p', ['a']), [inst('p', INFRA)], 100_000, undefined, new Map([['uid-p/a', { ...f, shown: true }]]));
    expect(later.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(later.phase).toBe('Pending');
  });

  it('given Never containers that finished, is Succeeded or Failed, and frees the ports', () => {
    const never = podOf('p', ['a', 'b'], { restartPolicy: 'Never' });
    const ok = statusOf(never, [inst('p', 'a', { running: false }), inst('p', 'b', { running: false })]);
    expect(ok.phase).toBe('Succeeded');
    expect(ok.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('PodCompleted');
    expect(ok.hostPorts).toBeUndefined();
    const bad = statusOf(never, [inst('p', 'a', { running: false }), inst('p', 'b', { running: false, exitCode: 2 })]);
    expect(bad.phase).toBe('Failed');
    expect(bad.containerStatuses?.[1]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', containerID: 'docker://p-b-0' });
  });

  it('keeps start and transition times of the previous status, so an unchanged pod reports an equal status', () => {
    const pod = podOf('p', ['a']);
    const containers = [inst('p', INFRA), inst('p', 'a')];
    const first = statusOf(pod, containers, 100_000, { phase: 'Pending', qosClass: 'BestEffort' });
    const again = statusOf(pod, containers, 500_000, first);
    expect(again).toEqual(first);
    expect(first.qosClass).toBe('BestEffort');
    expect(first.startTime).toBe('1970-01-01T00:01:40Z');
  });

  it('derives the phase like the kubelet', () => {
    const pod = podOf('p', ['a'], { restartPolicy: 'OnFailure' });
    const term = (exitCode: number) => ({ name: 'a', ready: false, restartCount: 0, image: 'x', state: { terminated: { exitCode } } });
    expect(podPhase(pod, [term(1)])).toBe('Running');
    expect(podPhase(pod, [term(0)])).toBe('Succeeded');
    expect(podPhase(pod, [{ name: 'a', ready: false, restartCount: 1, image: 'x', state: { waiting: {} }, lastState: { terminated: { exitCode: 1 } } }])).toBe('Running');
  });
});
