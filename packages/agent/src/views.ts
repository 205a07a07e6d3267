/**
 * What the agent makes of one pod's containers: for each container of the spec, its current and
 * previous instance and what should happen to it next (run, wait in back-off, restart, leave it
 * terminated). Pure: a function of the pod, the observed containers and the time.
 */
import type { ContainerStatus, Pod } from '@wharf/model';
import { nextPullAt, nextRestart, type BackoffSettings, type StartFailure } from './backoff.js';
import { INFRA, type Observed } from './labels.js';

/** What should happen to one container of a pod, derived from its instances. */
export type ContainerState =
  /** No instance yet: it is about to be created. */
  | { kind: 'creating'; restartCount: number }
  /** The last attempt to start it failed (pull or create); retried at `retryAt`. */
  | { kind: 'failed'; failure: StartFailure; retryAt: number; restartCount: number; nextStep: number }
  | { kind: 'running' }
  /** It exited and will be restarted at `until` (CrashLoopBackOff). */
  | { kind: 'backoff'; until: number; delayMs: number; nextStep: number }
  /** It exited and its restart is due now. */
  | { kind: 'restart'; nextStep: number }
  /** It exited and the restart policy keeps it so. */
  | { kind: 'terminated' }
  /** No instance, but the last status shows it finished for good (the pod already completed). */
  | { kind: 'done'; status: ContainerStatus };

/** One container of the pod spec with its instances and state. */
export interface ContainerView {
  name: string;
  image: string;
  /** The newest instance. */
  current?: Observed;
  /** The instance before it (its lastState). */
  previous?: Observed;
  /** Older instances, to be removed. */
  stale: Observed[];
  state: ContainerState;
}

/** The key of a start failure: `<pod uid>/<container name>`. */
export function failureKey(uid: string, container: string): string {
  return `${uid}/${container}`;
}

/** True when the restart policy restarts a container that exited with `exitCode`. */
export function shouldRestart(policy: string | undefined, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** Newest first: by restart count, then creation time. */
export function byNewest(a: Observed, b: Observed): number {
  return b.restartCount - a.restartCount || Date.parse(b.info.createdAt) - Date.parse(a.info.createdAt);
}

/** The view of each container in the pod spec, in spec order. */
export function containerViews(
  pod: Pod,
  mine: readonly Observed[],
  lastStatus: readonly ContainerStatus[] | undefined,
  failures: ReadonlyMap<string, StartFailure>,
  now: number,
  backoff: BackoffSettings,
): ContainerView[] {
  const uid = pod.metadata.uid ?? '';
  return pod.spec.containers.map((c) => {
    const all = mine.filter((o) => o.container === c.name).sort(byNewest);
    // An instance that never started next to one that runs is left over from an apply cut short
    // (an agent killed between create and start): a running container is only ever replaced
    // after it exits. It is removed, never adopted as the current one.
    const leftovers = all.some((o) => o.info.running) ? all.filter((o) => !o.info.running && o.info.startedAt === undefined) : [];
    const [current, previous, ...older] = all.filter((o) => !leftovers.includes(o));
    const stale = [...older, ...leftovers];
    const failure = failures.get(failureKey(uid, c.name));
    const status = lastStatus?.find((s) => s.name === c.name);
    const view: ContainerView = { name: c.name, image: c.image, stale, state: { kind: 'running' } };
    if (current) view.current = current;
    if (previous) view.previous = previous;
    view.state = stateOf(pod, current, status, failure, now, backoff);
    return view;
  });
}

function stateOf(pod: Pod, current: Observed | undefined, status: ContainerStatus | undefined, failure: StartFailure | undefined, now: number, backoff: BackoffSettings): ContainerState {
  const policy = pod.spec.restartPolicy;
  if (current?.info.running) return { kind: 'running' };
  if (!current) {
    const finished = status?.state?.terminated;
    if (finished && !shouldRestart(policy, finished.exitCode)) return { kind: 'done', status };
    const restartCount = status?.containerID ? status.restartCount + 1 : (status?.restartCount ?? 0);
    if (failure) return { kind: 'failed', failure, retryAt: nextPullAt(failure, backoff), restartCount, nextStep: 0 };
    return { kind: 'creating', restartCount };
  }
  if (!shouldRestart(policy, current.info.exitCode)) return { kind: 'terminated' };
  const next = nextRestart({ step: current.backoffStep, startedAt: time(current.info.startedAt), finishedAt: time(current.info.finishedAt) ?? time(current.info.createdAt) }, backoff);
  if (failure) return { kind: 'failed', failure, retryAt: Math.max(next.at, nextPullAt(failure, backoff)), restartCount: current.restartCount + 1, nextStep: next.nextStep };
  if (now < next.at) return { kind: 'backoff', until: next.at, delayMs: next.delayMs, nextStep: next.nextStep };
  return { kind: 'restart', nextStep: next.nextStep };
}

/** True when every container finished and none will run again: the pod has completed. */
export function podCompleted(views: readonly ContainerView[]): boolean {
  return views.length > 0 && views.every((v) => v.state.kind === 'terminated' || v.state.kind === 'done');
}

/**
 * True when the pod's one container owns the pod's network itself, with no infra container: a
 * pod of one container, unless an infra container for it already exists (one made by an earlier
 * agent, which the pod keeps using). It saves a container per pod: a start, a stop and a removal.
 */
export function ownsNetwork(pod: Pod, mine: readonly Observed[]): boolean {
  return pod.spec.containers.length === 1 && !mine.some((o) => o.container === INFRA);
}

/** The running container that holds the pod's network and published ports: its infra container, or its one container. */
export function sandboxOf(pod: Pod, mine: readonly Observed[]): Observed | undefined {
  if (!ownsNetwork(pod, mine)) return mine.find((o) => o.container === INFRA && o.info.running);
  return mine.find((o) => o.container === pod.spec.containers[0]!.name && o.info.running);
}

/** The pod's infra containers, newest first. */
export function infraOf(mine: readonly Observed[]): Observed[] {
  return mine.filter((o) => o.container === INFRA).sort(byNewest);
}
