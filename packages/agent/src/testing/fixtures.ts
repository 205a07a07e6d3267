/** Builders of pods and observed containers for the agent's unit specs. */
import type { Pod, PodSpec, Stored } from '@wharf/model';
import type { BackoffSettings } from '../backoff.js';
import { INFRA, type Observed } from '../labels.js';
import type { PlanInput } from '../plan.js';

/** Back-off of 1 s, capped at 8 s, reset after 60 s. */
export const BACKOFF: BackoffSettings = { baseMs: 1000, capMs: 8000, resetMs: 60_000 };

/** A pod with the given containers (names) bound to node-a. */
export function podOf(name: string, containers: string[] = ['c'], extra: Partial<PodSpec> = {}): Stored<Pod> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { nodeName: 'node-a', containers: containers.map((c) => ({ name: c, image: 'wharf.local/busybox:1' })), ...extra },
  };
}

/** An observed container instance of pod `pod`. */
export function inst(pod: string, container: string, o: { id?: string; running?: boolean; exitCode?: number; restartCount?: number; step?: number; startedAt?: number; finishedAt?: number; hostPort?: number; ip?: string } = {}): Observed {
  const running = o.running ?? true;
  const id = o.id ?? `${pod}-${container}-${o.restartCount ?? 0}`;
  return {
    id,
    namespace: 'default',
    pod,
    podUid: `uid-${pod}`,
    container,
    restartCount: o.restartCount ?? 0,
    backoffStep: o.step ?? 0,
    graceSeconds: 30,
    info: {
      id,
      name: id,
      labels: {},
      image: 'wharf.local/busybox:1',
      imageID: 'docker://sha256:abc',
      running,
      exitCode: o.exitCode ?? 0,
      oomKilled: false,
      error: '',
      createdAt: new Date(o.startedAt ?? 0).toISOString(),
      startedAt: new Date(o.startedAt ?? 0).toISOString(),
      ...(running ? {} : { finishedAt: new Date(o.finishedAt ?? 1000).toISOString() }),
      ports: container === INFRA && o.hostPort ? [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: o.hostPort }] : [],
      ...(o.ip ? { ip: o.ip } : {}),
    },
  };
}

/** A plan input with defaults: feed synced, no failures, at t = 100 s. */
export function input(p: Partial<PlanInput>): PlanInput {
  return { pods: [], containers: [], feedSynced: true, now: 100_000, backoff: BACKOFF, failures: new Map(), finalized: new Set(), ...p };
}
