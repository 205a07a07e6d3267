/**
 * Termination ordering (pure): the containers of a pod being deleted get SIGTERM only once no
 * proxy routes to the pod any more and no proxy still has a connection to it, so a planned
 * removal (delete, scale-down, drain, rollout) loses no request. The wait is bounded by half
 * the pod's grace period: a dead proxy or a stopped endpoints controller delays a deletion,
 * never holds it, and the app always keeps at least half its grace period after SIGTERM.
 */
import type { Endpoints, PodStatus } from '@wharf/model';
import type { HostPort } from '@wharf/store';

/** A proxy's acknowledgement as the agent received it (`receivedAt` on the agent's clock). */
export interface SeenAck {
  node: string;
  /** The sequence of the last Service or Endpoints event the proxy routes by. */
  seq: number;
  /** Removed backends the proxy still has connections to. */
  draining: readonly HostPort[];
  intervalMs: number;
  receivedAt: number;
}

/** What the agent sees of routing: the Endpoints it folded from the log, and the proxies' acknowledgements. */
export interface RoutingView {
  /** True once the Endpoints hold the log as it was when the agent started following it, and the acknowledgements their bucket. */
  synced: boolean;
  /** The sequence of the last Service or Endpoints event folded into `endpoints`. */
  seq: number;
  endpoints: readonly Endpoints[];
  acks: readonly SeenAck[];
}

/** The agent's memory of one terminating pod. */
export interface Termination {
  /** When the agent first saw the pod terminating. */
  since: number;
  /** The view's sequence when the agent first saw the pod out of every Endpoints (reset if it comes back). */
  outAt?: number;
}

/** Whether the pod's containers may be stopped now, and with what grace period. */
export type StopGate =
  /** `timedOut`: the wait ran out of time (what it waited for is in `waitingFor`). */
  | { open: true; graceSeconds: number; timedOut: boolean; waitingFor?: string }
  | { open: false; until: number; waitingFor: string };

/** A proxy whose last acknowledgement is older than this many of its intervals is taken for gone. */
export const STALE_INTERVALS = 3;

/**
 * The addresses a proxy may route to for a pod: its pod IPs (from its status). Every backend of
 * the pod is `podIP:port`, and a pod IP belongs to one pod only, so an address stands for all of
 * the pod's ports, declared or not (a Service's numeric targetPort need not be declared).
 */
export function podBackends(status: PodStatus | undefined): string[] {
  const ips = new Set([...(status?.podIPs ?? []).map((p) => p.ip), ...(status?.podIP ? [status.podIP] : [])]);
  return [...ips];
}

/** True when some Endpoints lists one of the pod addresses `backends` among its ready addresses with a TCP port (what a proxy routes to). */
export function routed(endpoints: readonly Endpoints[], backends: readonly string[]): boolean {
  for (const ep of endpoints) {
    for (const s of ep.subsets ?? []) {
      if (!(s.ports ?? []).some((p) => (p.protocol ?? 'TCP') === 'TCP')) continue;
      for (const a of s.addresses ?? []) if (backends.includes(a.ip)) return true;
    }
  }
  return false;
}

/**
 * Decides the stop gate of one terminating pod whose grace period is `grace` seconds and whose
 * addresses are `backends` (its pod IPs), and returns the termination memory to keep. Open when
 * the pod has no address; else closed until the view is synced, no Endpoints routes to it, and
 * every live proxy has applied the view's sequence from which it was out and drains no
 * connection to it; open anyway once half the grace period has passed since `t.since`.
 */
export function stopGate(t: Termination, grace: number, backends: readonly string[], view: RoutingView, now: number): { gate: StopGate; termination: Termination } {
  const waited = Math.max(0, now - t.since);
  const graceSeconds = grace <= 0 ? 0 : Math.max(Math.ceil(grace / 2), Math.ceil(grace - waited / 1000));
  const deadline = t.since + grace * 500;
  const open = (timedOut: boolean, waitingFor?: string): StopGate => ({ open: true, graceSeconds, timedOut, ...(waitingFor ? { waitingFor } : {}) });
  const wait = (waitingFor: string, until = deadline, termination: Termination = t) =>
    now >= deadline ? { gate: open(true, waitingFor), termination } : { gate: { open: false as const, until, waitingFor }, termination };
  if (backends.length === 0 || grace <= 0) return { gate: open(false), termination: t };
  if (!view.synced) return wait('the Services and Endpoints in the log');
  if (routed(view.endpoints, backends)) return wait('the endpoints controller', deadline, { since: t.since });
  const outAt = t.outAt ?? view.seq;
  const termination = { since: t.since, outAt };
  const waiting: string[] = [];
  let until = deadline;
  for (const a of view.acks) {
    const staleAt = a.receivedAt + STALE_INTERVALS * a.intervalMs;
    if (now >= staleAt) continue;
    if (a.seq < outAt || a.draining.some((d) => backends.includes(d.ip))) {
      waiting.push(a.node);
      until = Math.min(until, staleAt);
    }
  }
  if (waiting.length) return wait(`the proxies of ${waiting.sort().join(', ')}`, until, termination);
  return { gate: open(false), termination };
}
