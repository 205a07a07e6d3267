/**
 * Restart and image-pull back-off, as the kubelet does it: base, 2·base, 4·base… capped, and
 * reset once a container has run for `resetMs` without failing. Pure.
 */

/** Back-off settings; the defaults are the kubelet's (10 s, capped at 300 s, reset after 10 min). */
export interface BackoffSettings {
  baseMs: number;
  capMs: number;
  resetMs: number;
}

/** The kubelet's back-off settings. */
export const KUBELET_BACKOFF: BackoffSettings = { baseMs: 10_000, capMs: 300_000, resetMs: 600_000 };

/** The delay of back-off step `step` (0-based): min(cap, base·2^step). */
export function backoffDelay(step: number, s: BackoffSettings): number {
  return Math.min(s.capMs, s.baseMs * 2 ** Math.min(step, 40));
}

/** A finished container instance, as far as back-off cares. */
export interface FinishedRun {
  /** Back-off step the instance was started with. */
  step: number;
  startedAt?: number;
  finishedAt?: number;
}

/**
 * When the container that finished `run` may start again, and the step of its successor. As in
 * the kubelet, the first restart (step 0) is immediate; then base, 2·base… A run that lasted at
 * least `resetMs` resets the back-off to its first step.
 */
export function nextRestart(run: FinishedRun, s: BackoffSettings): { at: number; delayMs: number; nextStep: number } {
  const ran = run.startedAt !== undefined && run.finishedAt !== undefined ? run.finishedAt - run.startedAt : 0;
  const step = ran >= s.resetMs ? 0 : run.step;
  const delayMs = step === 0 ? 0 : backoffDelay(step - 1, s);
  return { at: (run.finishedAt ?? 0) + delayMs, delayMs, nextStep: step + 1 };
}

/** A failed attempt to start one pod's container: the image pull or the create failed. */
export interface StartFailure {
  /** The waiting reason Kubernetes shows for it. */
  reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'CreateContainerError' | 'CreateContainerConfigError';
  /** Consecutive failures so far (>= 1). */
  count: number;
  /** When the last attempt failed (ms). */
  at: number;
  message: string;
  /** True once the failure has been reported as ErrImagePull; later reports say ImagePullBackOff. */
  shown: boolean;
}

/** When the next pull may be tried after `f`. */
export function nextPullAt(f: StartFailure, s: BackoffSettings): number {
  return f.at + backoffDelay(f.count - 1, s);
}
