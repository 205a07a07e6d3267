/**
 * Applies one pod's planned actions through the runtime: create the infra container (if the pod
 * has one) and the pod's containers (pulling images by imagePullPolicy), stop, remove, clean up, and append
 * PodDeleted once a deleted pod's containers are gone. Start failures are recorded for back-off.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { defaultPullPolicy, existing, ForbiddenError, type KObject, mustKind, NotFoundError, type Pod, rvOf, serviceEnvFor } from '@wharf/model';
import type { StartFailure } from './backoff.js';
import { INFRA, LABELS } from './labels.js';
import type { KubeletDeps } from './kubelet.js';
import type { Action, PodPlan } from './plan.js';
import { containerSpec, emptyDirs, infraSpec, podDir, podResolvConf, resolvConfPath, type SpecContext } from './spec.js';
import { failureKey } from './views.js';

type Failure = Pick<StartFailure, 'reason' | 'message'>;

/** Writes the pod's resolv.conf into its directory (each container start: the file is bind-mounted). */
async function writeResolvConf(ctx: SpecContext, pod: Pod): Promise<void> {
  const text = podResolvConf(ctx, pod);
  if (text === undefined) return;
  await mkdir(podDir(ctx, pod.metadata.uid ?? ''), { recursive: true });
  await writeFile(resolvConfPath(ctx, pod.metadata.uid ?? ''), text);
}

const PodKind = mustKind('Pod');

/** One apply of one pod's plan: what its steps hand on to the later ones. Never shared between pods. */
interface PodRun {
  readonly pp: PodPlan;
  /** The infra container started by an earlier step (for `infraId: ''`). */
  infraId?: string;
}

/** Runs pod actions for the kubelet loop. */
export class PodActions {
  constructor(
    readonly deps: KubeletDeps,
    readonly failures: Map<string, StartFailure>,
    readonly finalized: Set<string>,
    readonly forget: (uid: string) => void,
  ) {}

  /**
   * Runs the actions of one pod in order (consecutive stops, or removes, in parallel); stops at
   * the first error. Applies of different pods may run at the same time.
   */
  async apply(pp: PodPlan): Promise<void> {
    const acts = pp.actions;
    this.deps.log.debug({ pod: `${pp.namespace}/${pp.name}`, actions: acts.map((a) => a.type) }, 'applying');
    const run: PodRun = { pp };
    for (let i = 0; i < acts.length; ) {
      const a = acts[i]!;
      if (a.type === 'stop' || a.type === 'remove') {
        let j = i;
        const batch: Promise<boolean>[] = [];
        for (; j < acts.length && acts[j]!.type === a.type; j++) batch.push(this.#one(run, acts[j]!));
        await Promise.all(batch);
        i = j;
        continue;
      }
      const ok = await this.#one(run, a);
      if (!ok) return;
      i++;
    }
  }

  /** Images known to be present, with when to check again (IfNotPresent pulls skip the inspect). */
  readonly #present = new Map<string, number>();

  async #one(run: PodRun, a: Action): Promise<boolean> {
    const { runtime, ctx, log } = this.deps;
    const { pp } = run;
    switch (a.type) {
      case 'remove':
        await this.deps.shipper.drain(a.id);
        await runtime.remove(a.id);
        return true;
      case 'createInfra': {
        const pod = pp.pod!;
        for (const d of emptyDirs(ctx, pod)) await mkdir(d, { recursive: true });
        return this.#start(pp.uid, INFRA, async () => {
          const f = await this.#ensureImage(ctx.pauseImage, 'IfNotPresent');
          if (f) return f;
          run.infraId = await runtime.start(infraSpec(ctx, pod));
          log.info({ pod: `${pp.namespace}/${pp.name}` }, 'pod sandbox started');
          return undefined;
        });
      }
      case 'createContainer': {
        const pod = pp.pod!;
        const c = pod.spec.containers.find((x) => x.name === a.container)!;
        // A container that owns the pod's network is the pod's sandbox: its volumes' directories come first.
        if (a.infraId === null) for (const d of emptyDirs(ctx, pod)) await mkdir(d, { recursive: true });
        return this.#start(pp.uid, c.name, async () => {
          let spec;
          try {
            const infraId = a.infraId === null ? null : a.infraId || run.infraId;
            if (infraId === undefined) throw new Error('no pod sandbox to join');
            const services = this.deps.routing?.services().services ?? [];
            spec = containerSpec(ctx, pod, c, infraId, a.restartCount, a.backoffStep, serviceEnvFor(services, pod.metadata.namespace ?? 'default', pod.spec.enableServiceLinks ?? true));
            await writeResolvConf(ctx, pod);
          } catch (e) {
            return { reason: 'CreateContainerConfigError', message: (e as Error).message };
          }
          const f = await this.#ensureImage(c.image, c.imagePullPolicy ?? defaultPullPolicy(c.image));
          if (f) return f;
          try {
            await runtime.start(spec);
          } catch (e) {
            return { reason: 'CreateContainerError', message: (e as Error).message };
          }
          log.info({ pod: `${pp.namespace}/${pp.name}`, container: c.name, restartCount: a.restartCount }, 'container started');
          return undefined;
        });
      }
      case 'cleanup':
        await rm(podDir(ctx, pp.uid), { recursive: true, force: true });
        if (a.volumes) await runtime.removeVolumes({ [LABELS.cluster]: ctx.cluster, [LABELS.node]: ctx.node, [LABELS.podUid]: pp.uid });
        for (const k of [...this.failures.keys()]) if (k.startsWith(`${pp.uid}/`)) this.failures.delete(k);
        this.forget(pp.uid);
        return true;
      case 'finalize':
        await this.#finalize(pp.pod!);
        this.finalized.add(pp.uid);
        log.info({ pod: `${pp.namespace}/${pp.name}` }, 'pod deleted');
        return true;
      case 'stop':
        await runtime.stop(a.id, a.graceSeconds);
        return true;
    }
  }

  /** Runs a start; records its failure (for back-off and status) or clears the previous one. */
  async #start(uid: string, container: string, run: () => Promise<Failure | undefined>): Promise<boolean> {
    const key = failureKey(uid, container);
    const f = await run();
    if (!f) {
      this.failures.delete(key);
      return true;
    }
    const prev = this.failures.get(key);
    this.failures.set(key, { ...f, count: (prev?.count ?? 0) + 1, at: Date.now(), shown: false });
    this.deps.log.warn({ podUid: uid, container, reason: f.reason, message: f.message }, 'container start failed');
    return false;
  }

  async #ensureImage(image: string, policy: string): Promise<Failure | undefined> {
    const rt = this.deps.runtime;
    if (policy !== 'Always' && (this.#present.get(image) ?? 0) > Date.now()) return undefined;
    if (policy !== 'Always' && (await rt.hasImage(image))) {
      this.#present.set(image, Date.now() + 10_000);
      return undefined;
    }
    if (policy === 'Never') return { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
    try {
      await rt.pull(image);
      return undefined;
    } catch (e) {
      return { reason: 'ErrImagePull', message: `failed to pull image "${image}": ${(e as Error).message.split('\n')[0]}` };
    }
  }

  /**
   * Records PodDeleted (through the node relay) for a pod whose containers are gone. Its cause is the version of the pod the
   * agent acted on: the deletion request (the agent reports no status for a terminating pod).
   */
  async #finalize(pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    const decide = existing<Pod & KObject>(PodKind, name, (cur) => (cur.metadata.uid === pod.metadata.uid ? { object: cur, type: 'PodDeleted' } : undefined));
    const ctx = { cause: rvOf(pod), reason: 'containers stopped and removed' };
    try {
      await this.deps.objects.change(PodKind, pod.metadata.namespace ?? 'default', name, decide, ctx);
    } catch (e) {
      // Gone, or its name now taken by a pod bound to another node: nothing of this pod is left to record.
      if (!(e instanceof NotFoundError) && !(e instanceof ForbiddenError)) throw e;
    }
  }
}
