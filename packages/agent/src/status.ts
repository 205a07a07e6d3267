/**
 * Pod status from container views, as the kubelet reports it: phase, conditions, container
 * statuses, host IP (the node's address) and pod IP (the sandbox's address on the node's pod
 * network), start time, and Wharf's published host ports. Pure: transition times, the start time
 * and the pod IP while no sandbox runs come from the previous status, so an unchanged pod gives
 * an equal status.
 */
import type { Condition, ContainerState as KContainerState, ContainerStatus, Pod, PodHostPort, PodStatus } from '@wharf/model';
import type { Observed } from './labels.js';
import type { ContainerView } from './views.js';

/** Kubernetes' timestamp format: seconds, UTC. */
export function k8sTime(ms: number | string): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

const docker = (id: string) => `docker://${id}`;

function terminated(o: Observed): KContainerState {
  const i = o.info;
  const reason = i.oomKilled ? 'OOMKilled' : i.error ? 'StartError' : i.exitCode === 0 ? 'Completed' : 'Error';
  return {
    terminated: {
      exitCode: i.exitCode,
      reason,
      ...(i.error ? { message: i.error } : {}),
      ...(i.startedAt ? { startedAt: k8sTime(i.startedAt) } : {}),
      ...(i.finishedAt ? { finishedAt: k8sTime(i.finishedAt) } : {}),
      containerID: docker(o.id),
    },
  };
}

/** A readiness probe's verdict on a container instance; undefined when it has no readiness probe. */
export type Readiness = (containerId: string) => boolean | undefined;

/** The status of one container: running and (with a readiness probe) passing it is ready. */
export function containerStatus(pod: Pod, v: ContainerView, readiness: Readiness = () => undefined): ContainerStatus {
  const s = v.state;
  if (s.kind === 'done') return { ...s.status, ready: false, started: false };
  const cur = v.current;
  const out: ContainerStatus = { name: v.name, state: {}, ready: false, restartCount: cur?.restartCount ?? 0, image: v.image, started: false };
  if (cur) {
    out.containerID = docker(cur.id);
    if (cur.info.imageID) out.imageID = cur.info.imageID;
  }
  const last = (o: Observed | undefined) => (o && !o.info.running ? terminated(o) : undefined);
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`;
  switch (s.kind) {
    case 'running':
      out.state = { running: { startedAt: k8sTime(cur!.info.startedAt ?? cur!.info.createdAt) } };
      out.ready = readiness(cur!.id) ?? true;
      out.started = true;
      break;
    case 'terminated':
      out.state = terminated(cur!);
      break;
    case 'backoff':
      out.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(s.delayMs / 1000)}s restarting failed container=${v.name} pod=${podRef}` } };
      break;
    case 'restart':
      out.state = { waiting: { reason: 'ContainerCreating' } };
      break;
    case 'creating':
      out.state = { waiting: { reason: 'ContainerCreating' } };
      out.restartCount = s.restartCount;
      break;
    case 'failed': {
      const pull = s.failure.reason === 'ErrImagePull';
      out.state = { waiting: { reason: pull && s.failure.shown ? 'ImagePullBackOff' : s.failure.reason, message: s.failure.message } };
      if (!cur) out.restartCount = s.restartCount;
      break;
    }
  }
  // lastState: the finished instance before the one the state describes.
  const lastState = s.kind === 'running' || s.kind === 'terminated' ? last(v.previous) : last(cur);
  if (lastState) out.lastState = lastState;
  return out;
}

/** The phase the kubelet derives from container statuses and the restart policy. */
export function podPhase(pod: Pod, statuses: readonly ContainerStatus[]): NonNullable<PodStatus['phase']> {
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, previous: PodStatus | undefined, now: number, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const prev = previous?.conditions?.find((c) => c.type === type);
  const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : k8sTime(now) };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** The declared host ports of the pod as published, named after the spec's container ports. */
export function hostPorts(pod: Pod, sandbox: Observed | undefined): PodHostPort[] {
  if (!sandbox?.info.running) return [];
  const out: PodHostPort[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      if (!p.hostPort) continue;
      const pub = sandbox.info.ports.find((x) => x.containerPort === p.containerPort && x.protocol === protocol.toLowerCase() && x.hostPort > 0);
      if (pub) out.push({ containerPort: p.containerPort, hostPort: pub.hostPort, protocol, ...(p.name ? { name: p.name } : {}) });
    }
  }
  return out;
}

/** The pod IP: the running sandbox's address, else the last one reported (as the kubelet keeps it). */
export function podIPOf(sandbox: Observed | undefined, previous: PodStatus | undefined): string | undefined {
  return (sandbox?.info.running && sandbox.info.ip) || previous?.podIP || undefined;
}

/** The pod's status; `previous` supplies start and transition times and fields the agent does not own. */
export function podStatus(pod: Pod, views: readonly ContainerView[], sandbox: Observed | undefined, address: string, previous: PodStatus | undefined, now: number, readiness?: Readiness): PodStatus {
  const containerStatuses = views.map((v) => containerStatus(pod, v, readiness));
  const phase = podPhase(pod, containerStatuses);
  const unready = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const notReady = completed ? 'PodCompleted' : 'ContainersNotReady';
  const msg = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const status: PodStatus = {
    ...previous,
    phase,
    conditions: [
      condition('Initialized', true, previous, now),
      condition('Ready', unready.length === 0, previous, now, notReady, msg),
      condition('ContainersReady', unready.length === 0, previous, now, notReady, msg),
      condition('PodScheduled', true, previous, now),
    ],
    hostIP: address,
    hostIPs: [{ ip: address }],
    startTime: previous?.startTime ?? k8sTime(now),
    containerStatuses,
  };
  const ip = podIPOf(sandbox, previous);
  if (ip) Object.assign(status, { podIP: ip, podIPs: [{ ip }] });
  else {
    delete status.podIP;
    delete status.podIPs;
  }
  const ports = hostPorts(pod, sandbox);
  if (ports.length) status.hostPorts = ports;
  else delete status.hostPorts;
  delete status.reason;
  delete status.message;
  return status;
}
