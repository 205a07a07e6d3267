/**
 * The probe state machine (pure), as the kubelet's prober keeps it per container instance and
 * probe kind: when the next probe is due, and how consecutive successes and failures turn into a
 * result through successThreshold and failureThreshold. Time comes in as `now`.
 */
import type { Probe } from '@wharf/model';

/** Which probe: readiness gates the Ready condition, liveness restarts the container. */
export type ProbeKind = 'readiness' | 'liveness';

/** The probe's timing and thresholds in ms, with Kubernetes' defaults filled in. */
export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The state of one probe of one container instance. */
export interface ProbeState {
  /** The current verdict: readiness starts as failure (not ready), liveness as success. */
  ok: boolean;
  /** Consecutive successes and failures of the latest streak. */
  successes: number;
  failures: number;
  /** When the next probe is due (ms since the epoch). */
  nextAt: number;
  /** Probes run so far. */
  runs: number;
}

/** The timing of a probe spec (defaults: delay 0 s, period 10 s, timeout 1 s, success 1, failure 3). */
export function timingOf(p: Probe, kind: ProbeKind): ProbeTiming {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: (p.periodSeconds ?? 10) * 1000,
    timeoutMs: (p.timeoutSeconds ?? 1) * 1000,
    // Kubernetes requires 1 for liveness.
    successThreshold: kind === 'liveness' ? 1 : (p.successThreshold ?? 1),
    failureThreshold: p.failureThreshold ?? 3,
  };
}

/** The state of a container that started at `startedAt`: nothing probed, first probe after the delay. */
export function initialState(kind: ProbeKind, t: ProbeTiming, startedAt: number): ProbeState {
  return { ok: kind === 'liveness', successes: 0, failures: 0, nextAt: startedAt + t.initialDelayMs, runs: 0 };
}

/** True when a probe is due at `now`. */
export function due(s: ProbeState, now: number): boolean {
  return now >= s.nextAt;
}

/** The state after a probe that finished at `now` with `success`. */
export function record(s: ProbeState, t: ProbeTiming, success: boolean, now: number): ProbeState {
  const successes = success ? s.successes + 1 : 0;
  const failures = success ? 0 : s.failures + 1;
  let ok = s.ok;
  if (success && successes >= t.successThreshold) ok = true;
  if (!success && failures >= t.failureThreshold) ok = false;
  return { ok, successes, failures, nextAt: now + t.periodMs, runs: s.runs + 1 };
}
