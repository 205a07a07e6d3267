/**
 * The container diff: a PURE function from (pods bound to this node, containers this node runs,
 * now) to a plan of actions per pod. The kubelet runner applies it and calls it again; it is
 * level-based, so the same inputs always give the same plan, and applying it converges.
 */
import type { Pod, PodStatus, Stored } from '@wharf/model';
import type { BackoffSettings, StartFailure } from './backoff.js';
import type { StopGate } from './drain.js';
import { INFRA, type Observed } from './labels.js';
import { containerViews, failureKey, infraOf, ownsNetwork, podCompleted, type ContainerView } from './views.js';

/** A pod bound to this node, with the best status known for it (the agent's last write, else the feed's). */
export interface DesiredPod {
  pod: Stored<Pod>;
  status?: PodStatus;
}

/** Everything the diff looks at. */
export interface PlanInput {
  pods: readonly DesiredPod[];
  containers: readonly Observed[];
  /** True once the node feed's initial list is complete: only then are orphans removed. */
  feedSynced: boolean;
  now: number;
  backoff: BackoffSettings;
  /** Start failures (image pull, create) by failureKey. */
  failures: ReadonlyMap<string, StartFailure>;
  /** Pods whose PodDeleted was already appended. */
  finalized: ReadonlySet<string>;
  /**
   * The stop gates of pods being deleted, by uid (see drain.ts): a closed gate holds back the
   * stop of the pod's running app containers. A pod without an entry stops at once with its
   * grace period.
   */
  gates?: ReadonlyMap<string, StopGate>;
  /**
   * False while containers may not be created: the node's pod network is not ready (no podCIDR
   * yet) or the Services were not read yet (their variables go into every container). Running
   * containers keep running and stops go on; nothing is created. Default true.
   */
  startAllowed?: boolean;
}

/** One step of a plan. Steps of one pod run in order. */
export type Action =
  | { type: 'createInfra' }
  /**
   * `infraId` names the infra container whose network the container joins: '' means the one
   * created by an earlier step of the same plan, null that the container owns the pod's network
   * (the one container of a pod without an infra container).
   */
  | { type: 'createContainer'; container: string; restartCount: number; backoffStep: number; infraId: string | null }
  | { type: 'stop'; id: string; graceSeconds: number }
  | { type: 'remove'; id: string }
  /** Remove the pod's directories, and its memory volumes when it may have some (`volumes`). */
  | { type: 'cleanup'; volumes: boolean }
  /** Append PodDeleted: the pod's containers are gone. */
  | { type: 'finalize' };

/** The plan of one pod (or of an orphaned pod uid, which has no `pod`). */
export interface PodPlan {
  uid: string;
  namespace: string;
  name: string;
  pod?: Stored<Pod>;
  actions: Action[];
  /** The container views the status is computed from (live pods only). */
  views: ContainerView[];
  /** True when the pod's status should be reported (live pods with nothing left to do now). */
  report: boolean;
  /** When this pod needs another look even if nothing changes (back-off expiry). */
  wakeAt?: number;
}

/** The plan for the whole node. */
export interface Plan {
  pods: PodPlan[];
  wakeAt?: number;
}

/** How long an infra container gets to stop (it traps SIGTERM and exits at once). */
export const INFRA_GRACE_SECONDS = 2;

/** Computes the plan. Pure. */
export function plan(input: PlanInput): Plan {
  const byUid = new Map<string, Observed[]>();
  for (const o of input.containers) byUid.set(o.podUid, [...(byUid.get(o.podUid) ?? []), o]);
  const pods: PodPlan[] = [];
  const desired = new Set<string>();
  for (const d of input.pods) {
    const uid = d.pod.metadata.uid ?? '';
    desired.add(uid);
    const mine = byUid.get(uid) ?? [];
    pods.push(d.pod.metadata.deletionTimestamp ? deleting(d.pod, mine, input) : live(d, mine, input));
  }
  if (input.feedSynced) {
    for (const [uid, mine] of byUid) if (!desired.has(uid)) pods.push(orphan(uid, mine));
  }
  const wakes = pods.map((p) => p.wakeAt).filter((w): w is number => w !== undefined);
  return wakes.length ? { pods, wakeAt: Math.min(...wakes) } : { pods };
}

/**
 * Stops the app containers gracefully, then removes everything. The infra container runs nothing
 * that needs a graceful stop: once the apps are down, removing it (a forced remove kills it) is
 * enough, and saves a round trip to the engine.
 */
function stopThenRemove(containers: readonly Observed[], grace: (o: Observed) => number): Action[] {
  const apps = containers.filter((o) => o.container !== INFRA);
  return [
    ...apps.filter((o) => o.info.running).map((o): Action => ({ type: 'stop', id: o.id, graceSeconds: grace(o) })),
    ...containers.map((o): Action => ({ type: 'remove', id: o.id })),
  ];
}

function orphan(uid: string, mine: Observed[]): PodPlan {
  const first = mine[0]!;
  return { uid, namespace: first.namespace, name: first.pod, actions: [...stopThenRemove(mine, (o) => o.graceSeconds), { type: 'cleanup', volumes: true }], views: [], report: false };
}

/** The grace period of a pod being deleted: the deletion's, else the spec's, else 30 s. */
export function graceOf(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
}

function deleting(pod: Stored<Pod>, mine: Observed[], input: PlanInput): PodPlan {
  const uid = pod.metadata.uid ?? '';
  const base = { uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, pod, views: [], report: false };
  if (input.finalized.has(uid)) return { ...base, actions: [] };
  const gate = input.gates?.get(uid);
  // Running apps wait until no proxy routes to the pod; a pod with nothing running has nothing to lose.
  if (gate && !gate.open && mine.some((o) => o.container !== INFRA && o.info.running)) return { ...base, actions: [], wakeAt: gate.until };
  const grace = gate?.open ? gate.graceSeconds : graceOf(pod);
  // Only a memory-backed emptyDir is a Docker volume: a pod without one spares the engine a volume list.
  const volumes = (pod.spec.volumes ?? []).some((v) => v.emptyDir?.medium === 'Memory');
  return { ...base, actions: [...stopThenRemove(mine, () => grace), { type: 'cleanup', volumes }, { type: 'finalize' }] };
}

function live(d: DesiredPod, mine: Observed[], input: PlanInput): PodPlan {
  const pod = d.pod;
  const uid = pod.metadata.uid ?? '';
  const views = containerViews(pod, mine, d.status?.containerStatuses, input.failures, input.now, input.backoff);
  const [infra, ...oldInfra] = infraOf(mine);
  const actions: Action[] = [];
  const wakes: number[] = [];
  const known = new Set(pod.spec.containers.map((c) => c.name));
  // Containers the spec no longer names, and instances older than the previous one, go.
  const extra = mine.filter((o) => o.container !== INFRA && !known.has(o.container));
  actions.push(...stopThenRemove([...extra, ...views.flatMap((v) => v.stale)], () => pod.spec.terminationGracePeriodSeconds ?? 30));
  if (ownsNetwork(pod, mine)) {
    // The one container owns the network: a finished pod has no ports left to free.
    if (!podCompleted(views)) actions.push(...containerActions(views, null, input, wakes));
  } else if (podCompleted(views)) {
    // A completed pod keeps its containers (for status and logs) but frees its ports.
    if (infra?.info.running) actions.push({ type: 'stop', id: infra.id, graceSeconds: INFRA_GRACE_SECONDS });
  } else if (!infra?.info.running) {
    const infraFailure = input.failures.get(failureKey(uid, INFRA));
    // A sandbox that failed or died is recreated after the first back-off step, not in a hot loop.
    const died = infra ? Date.parse(infra.info.finishedAt ?? infra.info.createdAt) + input.backoff.baseMs : input.now;
    const retryAt = Math.max(died, infraFailure ? infraFailure.at + input.backoff.baseMs : input.now);
    // The network namespace is gone: every running container must start again inside a new one.
    for (const v of views) if (v.current?.info.running) actions.push({ type: 'stop', id: v.current.id, graceSeconds: pod.spec.terminationGracePeriodSeconds ?? 30 });
    for (const o of [infra, ...oldInfra]) if (o) actions.push({ type: 'remove', id: o.id });
    if (input.now >= retryAt) {
      actions.push({ type: 'createInfra' });
      // A new pod starts its containers right after its sandbox, in the same step.
      if (!infra) for (const v of views) if (v.state.kind === 'creating') actions.push({ type: 'createContainer', container: v.name, restartCount: v.state.restartCount, backoffStep: 0, infraId: '' });
    } else wakes.push(retryAt);
  } else {
    for (const o of oldInfra) actions.push(...stopThenRemove([o], () => INFRA_GRACE_SECONDS));
    actions.push(...containerActions(views, infra.id, input, wakes));
  }
  // Nothing is created while starts are held; the pod is reported as it is (waiting), and a
  // change of the hold asks for a pass.
  const held = input.startAllowed === false ? actions.filter((a) => a.type !== 'createInfra' && a.type !== 'createContainer') : actions;
  const p: PodPlan = { uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, pod, actions: held, views, report: held.length === 0 };
  if (wakes.length) p.wakeAt = Math.min(...wakes);
  return p;
}

/** Creates, restarts or retries each container as its state says, in the network of `infraId` (see Action). */
function containerActions(views: readonly ContainerView[], infraId: string | null, input: PlanInput, wakes: number[]): Action[] {
  const actions: Action[] = [];
  for (const v of views) {
    const s = v.state;
    if (s.kind === 'creating') actions.push({ type: 'createContainer', container: v.name, restartCount: s.restartCount, backoffStep: 0, infraId });
    else if (s.kind === 'restart') actions.push({ type: 'createContainer', container: v.name, restartCount: v.current!.restartCount + 1, backoffStep: s.nextStep, infraId });
    else if (s.kind === 'backoff') wakes.push(s.until);
    else if (s.kind === 'failed') {
      if (input.now >= s.retryAt) actions.push({ type: 'createContainer', container: v.name, restartCount: s.restartCount, backoffStep: s.nextStep, infraId });
      else wakes.push(s.retryAt);
    }
    // A restart turns the current instance into the previous one: the old previous goes.
    if ((s.kind === 'restart' || (s.kind === 'failed' && input.now >= s.retryAt)) && v.previous) actions.push(...stopThenRemove([v.previous], () => 0));
  }
  return actions;
}
