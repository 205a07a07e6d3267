/**
 * Writes pod status (`PodStatusUpdated`) through the node relay, which appends it as
 * `system:node:<node>` expecting the version read, and only when the status changed. It remembers what it wrote, so an
 * unchanged pod costs no NATS round trip at all.
 */
import { existing, ForbiddenError, type KObject, mustKind, NotFoundError, type Pod, type PodStatus, sameJson, type Stored } from '@wharf/model';
import type { Observed } from './labels.js';
import type { NodeObjects } from './relay.js';
import { podStatus, type Readiness } from './status.js';
import type { ContainerView } from './views.js';

/** Reports pod status for one node. */
export class StatusReporter {
  readonly #cache = new Map<string, PodStatus>();
  readonly #podKind = mustKind('Pod');

  constructor(readonly objects: NodeObjects, readonly node: string, readonly address: string, readonly readiness?: Readiness) {}

  /** The status last written (or seen) for the pod, if any. */
  known(pod: Pod): PodStatus | undefined {
    return this.#cache.get(pod.metadata.uid ?? '');
  }

  /** Forgets a pod (it is gone). */
  forget(uid: string): void {
    this.#cache.delete(uid);
  }

  /** Computes the pod's status and appends it if it changed; true when something was written. */
  async report(pod: Stored<Pod>, views: readonly ContainerView[], sandbox: Observed | undefined, now: number): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const cached = this.#cache.get(uid);
    const guess = podStatus(pod, views, sandbox, this.address, cached ?? pod.status, now, this.readiness);
    if (cached && sameJson(guess, cached)) return false;
    let result = guess;
    let wrote = false;
    const decide = existing<Pod & KObject>(this.#podKind, pod.metadata.name ?? '', (cur) => {
      wrote = false;
      if (cur.metadata.uid !== uid) return undefined;
      result = podStatus(pod, views, sandbox, this.address, cur.status, now, this.readiness);
      if (sameJson(result, cur.status)) return undefined;
      wrote = true;
      return { object: { ...cur, status: result }, type: 'PodStatusUpdated' };
    });
    try {
      await this.objects.change(this.#podKind, pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', decide, {});
    } catch (e) {
      // Gone, or the name now belongs to a pod bound elsewhere (a replication controller reuses
      // a slot's name): the relay refuses that one, and the pod this node knew is gone either way.
      if (e instanceof NotFoundError || e instanceof ForbiddenError) return false;
      throw e;
    }
    this.#cache.set(uid, result);
    return wrote;
  }
}
