/** kubectl's pod columns: READY, STATUS and RESTARTS follow kube-apiserver's printPod (1.32). */
import type { ContainerState, ContainerStatus, Pod } from '../schemas/pod.js';
import { ageSince } from './age.js';

/** The fields printPod reads; init containers are read when present although Wharf does not run them yet. */
type PrintablePod = Pick<Pod, 'metadata' | 'spec' | 'status'> & {
  spec: Pod['spec'] & { initContainers?: unknown[]; readinessGates?: { conditionType: string }[] };
  status?: Pod['status'] & { initContainerStatuses?: ContainerStatus[]; podIPs?: { ip: string }[] };
};

/** The numbers behind a pod's READY, STATUS and RESTARTS cells. */
export interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** The latest lastState.terminated.finishedAt of any container, when there is one. */
  lastRestart?: string;
}

/** What kubelet would have named a termination that carries no reason: "Completed" for exit 0, else "Error". */
function terminatedReason(t: NonNullable<ContainerState['terminated']>, prefix = ''): string {
  if (t.reason) return prefix + t.reason;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  if (prefix) return `${prefix}ExitCode:${t.exitCode}`;
  return t.exitCode === 0 ? 'Completed' : 'Error';
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Summarises a pod the way kubectl's printPod does (reason precedence, readiness, restarts). */
export function podSummary(pod: PrintablePod): PodSummary {
  const status = pod.status ?? {};
  const total = pod.spec.containers.length;
  let reason: string = status.reason || status.phase || 'Pending';
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    restarts += c.restartCount;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    const st = c.state ?? {};
    if (st.terminated && st.terminated.exitCode === 0) continue;
    if (st.terminated) reason = terminatedReason(st.terminated, 'Init:');
    else if (st.waiting?.reason && st.waiting.reason !== 'PodInitializing') reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${pod.spec.initContainers?.length ?? inits.length}`;
    initializing = true;
    break;
  }

  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const st = c.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated) reason = terminatedReason(st.terminated);
      else if (c.ready && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  return { ready, total, reason, restarts, ...(lastRestart ? { lastRestart } : {}) };
}

/** kubectl's STATUS text for a pod: Running, Pending, ContainerCreating, CrashLoopBackOff, Completed, Error, Terminating, Init:0/1... */
export function podStatusReason(pod: PrintablePod): string {
  return podSummary(pod).reason;
}

/** The RESTARTS cell: "0", or "3 (2m ago)" when a container's last termination time is known. */
export function podRestarts(s: PodSummary, now: Date): string {
  if (s.restarts !== 0 && s.lastRestart) return `${s.restarts} (${ageSince(s.lastRestart, now)} ago)`;
  return String(s.restarts);
}

/** A pod's table cells: Name, Ready, Status, Restarts, Age, IP, Node, Nominated Node, Readiness Gates. */
export function podRow(pod: PrintablePod, now: Date): unknown[] {
  const s = podSummary(pod);
  const st = pod.status ?? {};
  const gates = pod.spec.readinessGates ?? [];
  const readyGates = gates.filter((g) => st.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
  return [
    pod.metadata.name,
    `${s.ready}/${s.total}`,
    s.reason,
    podRestarts(s, now),
    ageSince(pod.metadata.creationTimestamp, now),
    st.podIPs?.[0]?.ip || st.podIP || '<none>',
    pod.spec.nodeName || '<none>',
    st.nominatedNodeName || '<none>',
    gates.length > 0 ? `${readyGates}/${gates.length}` : '<none>',
  ];
}
