/** Builders of nodes and pods for the scheduler's specs and the benchmark. */
import type { Node, Pod, Stored, Taint, Toleration } from '@wharf/model';

/** A Ready node with the given allocatable resources. */
export function makeNode(name: string, opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; ready?: boolean } = {}): Stored<Node> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: String(opts.pods ?? 110) },
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

/** A pending pod with the given requests. */
export function makePod(name: string, opts: { ns?: string; cpu?: string; memory?: string; labels?: Record<string, string>; hostPort?: number; nodeSelector?: Record<string, string>; tolerations?: Toleration[]; nodeName?: string; phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; priority?: number } = {}): Stored<Pod> {
  const requests: Record<string, string> = {};
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.ns ?? 'default', uid: `uid-${name}`, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests }, ...(opts.hostPort ? { ports: [{ containerPort: 80, hostPort: opts.hostPort, protocol: 'TCP' as const }] } : {}) }],
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.tolerations ? { tolerations: opts.tolerations } : {}),
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
    },
    status: { phase: opts.phase ?? 'Pending' },
  };
}
