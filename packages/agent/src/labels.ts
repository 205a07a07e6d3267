/**
 * Container labels: how the agent knows, from the runtime alone, which pod and container each
 * container runs, its restart count and back-off step, so that a restarted agent can adopt them.
 */
import type { ContainerInfo } from './runtime/runtime.js';

/** Label keys every Wharf container carries. */
export const LABELS = {
  cluster: 'wharf.cluster',
  node: 'wharf.node',
  namespace: 'wharf.namespace',
  pod: 'wharf.pod',
  podUid: 'wharf.pod-uid',
  container: 'wharf.container',
  restartCount: 'wharf.restart-count',
  backoffStep: 'wharf.backoff-step',
  grace: 'wharf.termination-grace-seconds',
} as const;

/** The `wharf.container` value of a pod's infra container (not a valid container name, so no clash). */
export const INFRA = '_infra';

/** A container of this node, with its Wharf identity read from its labels. */
export interface Observed {
  id: string;
  namespace: string;
  pod: string;
  podUid: string;
  /** The container name in the pod spec, or INFRA. */
  container: string;
  /** Restarts before this instance (0 for the first). */
  restartCount: number;
  /** Back-off step this instance was started with. */
  backoffStep: number;
  /** Grace period to stop it with when its pod is gone. */
  graceSeconds: number;
  info: ContainerInfo;
}

/** The labels that select every container of one node of one cluster. */
export function nodeSelector(cluster: string, node: string): Record<string, string> {
  return { [LABELS.cluster]: cluster, [LABELS.node]: node };
}

/** Reads a container's Wharf identity; undefined when its labels are incomplete. */
export function observe(info: ContainerInfo): Observed | undefined {
  const l = info.labels;
  const podUid = l[LABELS.podUid];
  const pod = l[LABELS.pod];
  const container = l[LABELS.container];
  if (!podUid || !pod || !container) return undefined;
  const num = (v: string | undefined, d: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);
  return {
    id: info.id,
    namespace: l[LABELS.namespace] ?? 'default',
    pod,
    podUid,
    container,
    restartCount: num(l[LABELS.restartCount], 0),
    backoffStep: num(l[LABELS.backoffStep], 0),
    graceSeconds: num(l[LABELS.grace], 30),
    info,
  };
}
