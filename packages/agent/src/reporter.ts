/**
 * Writes pod status to the log (`PodStatusUpdated`, actor `system:node:<node>`) with a
 * compare-and-set append, and only when the status changed. It remembers what it wrote, so an
 * unchanged pod costs no NATS round trip at all.
 */
import { mustKind, NotFoundError, type Pod, type PodStatus, type Stored } from '@wharf/model';
import { type EventStore, updateDirect } from '@wharf/store';
import type { Observed } from './labels.js';
import { podStatus, type Readiness } from './status.js';
import type { ContainerView } from './views.js';

/** JSON with sorted keys, for equality of plain data. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

/** Reports pod status for one node. */
export class StatusReporter {
  readonly #cache = new Map<string, { status: PodStatus; json: string }>();
  readonly #podKind = mustKind('Pod');

  constructor(readonly store: EventStore, readonly node: string, readonly address: string, readonly readiness?: Readiness) {}

  /** The status last written (or seen) for the pod, if any. */
  known(pod: Pod): PodStatus | undefined {
    return this.#cache.get(pod.metadata.uid ?? '')?.status;
  }

  /** Forgets a pod (it is gone). */
  forget(uid: string): void {
    this.#cache.delete(uid);
  }

  /** Computes the pod's status and appends it if it changed; true when something was written. */
  async report(pod: Stored<Pod>, views: readonly ContainerView[], sandbox: Observed | undefined, now: number): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const cached = this.#cache.get(uid);
    const guess = podStatus(pod, views, sandbox, this.address, cached?.status ?? pod.status, now, this.readiness);
    if (cached && stableJson(guess) === cached.json) return false;
    let result = guess;
    let wrote = false;
    try {
      await updateDirect<Stored<Pod>>(
        this.store,
        this.#podKind,
        pod.metadata.namespace ?? 'default',
        pod.metadata.name,
        (cur) => {
          if (cur.metadata.uid !== uid) return undefined;
          result = podStatus(pod, views, sandbox, this.address, cur.status, now, this.readiness);
          if (stableJson(result) === stableJson(cur.status)) return undefined;
          wrote = true;
          return { object: { ...cur, status: result }, type: 'PodStatusUpdated' };
        },
        { actor: `system:node:${this.node}` },
      );
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
    this.#cache.set(uid, { status: result, json: stableJson(result) });
    return wrote;
  }
}
