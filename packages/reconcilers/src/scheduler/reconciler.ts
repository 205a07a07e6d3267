/**
 * The scheduler's reconciler: reads a snapshot from the projection and the allocation ledger, asks the
 * pure `schedule` for a plan and applies it. A binding first reserves the pod on the node's
 * ledger (compare-and-set, fit checked again on what the ledger holds now), then appends
 * PodBound with the pod's expected resourceVersion; if the pod moved on meanwhile, the
 * reservation is released. A pod that fits nowhere gets PodScheduleFailed (only if its message
 * changed) and is tried again when nodes or pods change.
 */
import { ConflictError, mustKind, type Pod, rvOf, type Stored } from '@wharf/model';
import type { Logger, Objects, Projection, WriteContext } from '@wharf/store';
import { Controller, type Outcome, type ReconcileContext } from '../controller/controller.js';
import { defaultInstance } from '../controller/membership.js';
import type { Shard } from '../controller/shard.js';
import { parseKey } from '../controller/keys.js';
import type { AllocationLedger } from './ledger.js';
import { nodeWatch, pendingPodKeys, podWatch } from './watches.js';
import { boundPod, showsUnschedulable, unschedulablePod, demandOf, isFinished, needsScheduling, podKey, admit, staleReservations, type Reservation, schedule, type Assignment, type Binding, type Snapshot } from '@wharf/scheduler';

const PodKind = mustKind('Pod');

/** The write context; a key with no triggering event (a resync) names the pod's own latest event as cause. */
function writeContext(ctx: ReconcileContext, pod: Pod): WriteContext {
  return ctx.write.cause !== undefined ? ctx.write : { ...ctx.write, cause: rvOf(pod) };
}

/** How to run the scheduler. */
export interface SchedulerOptions {
  projection: Projection;
  objects: Objects;
  ledger: AllocationLedger;
  log: Logger;
  /** This instance's name in the ledger (default host-pid-random). */
  instance?: string;
  /** Pods whose spec.schedulerName is this (default "default-scheduler"). */
  schedulerName?: string;
  /** Age after which a reservation is judged by the sweeper (default 30 s). */
  graceMs?: number;
  /** How often an unschedulable pod is tried again without any change (default 60 s). */
  unschedulableRetryMs?: number;
  /** Pods planned together (default 1024). */
  batchSize?: number;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

/** The scheduler: a batch controller over pod keys plus the ledger sweeper. */
export class SchedulerReconciler {
  readonly controller: Controller;
  readonly instance: string;
  readonly graceMs: number;
  #sweeper: NodeJS.Timeout | undefined;
  #unwatchLedger: (() => void) | undefined;

  constructor(readonly opts: SchedulerOptions) {
    this.instance = opts.instance ?? defaultInstance();
    this.graceMs = opts.graceMs ?? 30_000;
    const name = opts.schedulerName;
    this.controller = new Controller({
      shard: opts.shard,
      name: 'scheduler',
      projection: opts.projection,
      log: opts.log,
      watches: [podWatch(name), nodeWatch(name)],
      resync: (state) => pendingPodKeys(state, name),
      reconcileBatch: (items) => this.reconcileBatch(items),
      batchSize: opts.batchSize ?? 1024,
    });
  }

  /** Starts the controller, the ledger watch and the sweeper. */
  start(): void {
    this.#unwatchLedger = this.opts.ledger.mirror.onChange((_k, before, after) => {
      // A released reservation frees room: look at the pending pods again.
      if (before && Object.keys(before.pods).some((k) => !after?.pods[k])) {
        for (const key of pendingPodKeys(this.opts.projection.state, this.opts.schedulerName)) this.controller.queue.add(key);
      }
    });
    this.controller.start();
    this.#sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.opts.log.warn({ err }, 'ledger sweep failed'));
    }, Math.max(1000, this.graceMs / 2));
    this.#sweeper.unref();
  }

  /** Stops taking pods and waits for the batch in flight. */
  async stop(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#unwatchLedger?.();
    await this.controller.stop();
  }

  /** Schedules a batch of pod keys; one outcome per key. */
  async reconcileBatch(items: ReconcileContext[]): Promise<Outcome[]> {
    const { projection } = this.opts;
    const now = Date.now();
    const out: Outcome[] = items.map(() => undefined);
    const reserved = this.#freshReservations(now);
    const pending: Stored<Pod>[] = [];
    const ctxOf = new Map<string, number>();
    items.forEach((item, i) => {
      const { namespace, name } = parseKey(item.key);
      const pod = projection.get('Pod', namespace, name);
      if (!pod || !needsScheduling(pod, this.opts.schedulerName)) return;
      const r = reserved.get(podKey(pod));
      // Another binding of this pod is in flight (here or in another instance): wait for it.
      if (r && r.demand.uid === pod.metadata.uid) return (out[i] = { requeueAfter: Math.max(10, this.graceMs - (now - r.at) + 50) });
      pending.push(pod);
      ctxOf.set(podKey(pod), i);
    });
    if (pending.length === 0) return out;
    const { snapshot, boundOn } = this.#snapshot();
    const plan = schedule(snapshot, pending);
    const byNode = new Map<string, Binding[]>();
    for (const b of plan.bindings) byNode.set(b.node, [...(byNode.get(b.node) ?? []), b]);
    const at = (p: Pod) => ctxOf.get(podKey(p))!;
    await Promise.all([
      ...[...byNode].map(([node, bs]) => this.#bindOnNode(node, bs, boundOn.get(node) ?? [], items, at, out)),
      ...plan.failures.map(async (f) => {
        out[at(f.pod)] = await this.#markUnschedulable(f.pod, f.message, items[at(f.pod)]!);
      }),
    ]);
    items.forEach((item, i) => {
      if (out[i] instanceof Error) item.log.warn({ err: out[i] }, 'scheduling failed');
    });
    return out;
  }

  #freshReservations(now: number): Map<string, Reservation> {
    const m = new Map<string, Reservation>();
    for (const [, ledger] of this.opts.ledger.cached()) {
      for (const [k, r] of Object.entries(ledger.pods)) if (now - r.at < this.graceMs) m.set(k, r);
    }
    return m;
  }

  #snapshot(): { snapshot: Snapshot; boundOn: Map<string, Pod[]> } {
    const { projection, ledger } = this.opts;
    const assigned: Assignment[] = [];
    const boundOn = new Map<string, Pod[]>();
    for (const p of projection.list('Pod')) {
      const node = p.spec.nodeName;
      if (!node || isFinished(p)) continue;
      assigned.push({ node, demand: demandOf(p) });
      const list = boundOn.get(node);
      if (list) list.push(p);
      else boundOn.set(node, [p]);
    }
    for (const [node, l] of ledger.cached()) for (const r of Object.values(l.pods)) assigned.push({ node, demand: r.demand });
    const snapshot: Snapshot = { nodes: projection.list('Node'), assigned };
    return { snapshot, boundOn };
  }

  async #bindOnNode(node: string, bindings: Binding[], bound: Pod[], items: ReconcileContext[], at: (p: Pod) => number, out: Outcome[]): Promise<void> {
    const nodeObj = this.opts.projection.get('Node', undefined, node);
    const wants = bindings.map((b) => demandOf(b.pod));
    const reservedAt = Date.now();
    let admitted: Set<string>;
    try {
      admitted = await this.opts.ledger.change(node, (ledger) => {
        const a = nodeObj ? admit(nodeObj, ledger, bound, wants) : { admitted: [], rejected: wants };
        if (a.admitted.length === 0) return { result: new Set<string>() };
        const pods = { ...ledger.pods };
        for (const d of a.admitted) pods[d.key] = { demand: d, by: this.instance, at: reservedAt };
        return { next: { pods }, result: new Set(a.admitted.map((d) => d.key)) };
      });
    } catch (e) {
      for (const b of bindings) out[at(b.pod)] = e as Error;
      return;
    }
    const lost: { key: string; reservation: Reservation }[] = [];
    await Promise.all(
      bindings.map(async (b) => {
        const i = at(b.pod);
        const key = podKey(b.pod);
        if (!admitted.has(key)) return (out[i] = { retry: true });
        try {
          const ctx = items[i]!;
          await this.opts.objects.update(PodKind, boundPod(b.pod, node, new Date()), rvOf(b.pod), 'PodBound', { ...writeContext(ctx, b.pod), reason: `Successfully assigned ${key} to ${node}` });
          ctx.log.debug({ node }, 'bound');
        } catch (e) {
          lost.push({ key, reservation: { demand: demandOf(b.pod), by: this.instance, at: reservedAt } });
          // A conflict means the pod changed; its change enqueues it again if it still needs a node.
          if (!(e instanceof ConflictError)) out[i] = e as Error;
        }
      }),
    );
    if (lost.length) {
      await this.opts.ledger.remove(node, lost).catch((err: unknown) => this.opts.log.warn({ err, node }, 'could not release reservations; the sweeper will'));
    }
  }

  async #markUnschedulable(pod: Stored<Pod>, message: string, ctx: ReconcileContext): Promise<Outcome> {
    const retry = { requeueAfter: this.opts.unschedulableRetryMs ?? 60_000 };
    if (showsUnschedulable(pod, message)) return retry;
    try {
      await this.opts.objects.update(PodKind, unschedulablePod(pod, message, new Date()), rvOf(pod), 'PodScheduleFailed', { ...writeContext(ctx, pod), reason: message });
    } catch (e) {
      if (!(e instanceof ConflictError)) return e as Error;
    }
    return retry;
  }

  /** Removes reservations whose pods are gone, finished, bound elsewhere or never bound; returns how many. */
  async sweep(): Promise<number> {
    const { projection, ledger } = this.opts;
    await projection.sync();
    const now = Date.now();
    let removed = 0;
    for (const [node, l] of [...ledger.cached()]) {
      const stale = staleReservations(node, l, (k) => {
        const slash = k.indexOf('/');
        return projection.get('Pod', k.slice(0, slash), k.slice(slash + 1));
      }, now, this.graceMs);
      if (stale.length) removed += await ledger.remove(node, stale.map((key) => ({ key, reservation: l.pods[key]! })));
    }
    if (removed) this.opts.log.info({ removed }, 'released stale reservations');
    return removed;
  }
}
