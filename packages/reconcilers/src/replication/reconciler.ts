/**
 * The replication controller's reconciler: one key per ReplicationController. It reads the controller
 * and its namespace's pods from the projection, asks `planReplication` and applies the plan:
 * claims (a compare-and-set on the controller) before any scale-down deletion, then releases,
 * adoptions and deletions (expected-resourceVersion appends) and creations (create-if-absent
 * appends of slot names). Every write is `system:replication-controller`, caused by the event
 * that queued the key.
 */
import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, ConflictError, mustKind, NotFoundError, type OwnerReference, type Pod, type ReplicationController, rvOf, type Stored } from '@wharf/model';
import type { Logger, Objects, Projection, WriteContext } from '@wharf/store';
import { Controller, type ReconcileContext, type Result } from '../controller/controller.js';
import type { Shard } from '../controller/shard.js';
import { parseKey } from '../controller/keys.js';
import { deletePod } from '../controller/podwrites.js';
import { isFinishedPod } from './pods.js';
import { isEmptyPlan, planReplication, type ReplicationPlan } from './plan.js';
import { controllerRef, podFromTemplate } from './template.js';
import { allControllerKeys, replicationWatch } from './watches.js';

const PodKind = mustKind('Pod');
const RCKind = mustKind('ReplicationController');

/** How to run the replication controller. */
export interface ReplicationOptions {
  projection: Projection;
  objects: Objects;
  log: Logger;
  workers?: number;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

/** The replication controller. */
export class ReplicationReconciler {
  readonly controller: Controller;

  constructor(readonly opts: ReplicationOptions) {
    this.controller = new Controller({
      shard: opts.shard,
      name: 'replication-controller',
      projection: opts.projection,
      log: opts.log,
      workers: opts.workers ?? 4,
      watches: [replicationWatch],
      resync: allControllerKeys,
      reconcile: (key, ctx) => this.reconcile(key, ctx),
    });
  }

  /** Starts the controller with a full resync. */
  start(): void {
    this.controller.start();
  }

  /** Stops taking keys and waits for the ones in flight. */
  async stop(): Promise<void> {
    await this.controller.stop();
  }

  #plan(namespace: string, name: string): { rc: Stored<ReplicationController>; plan: ReplicationPlan } | undefined {
    const { projection } = this.opts;
    const rc = projection.get('ReplicationController', namespace, name);
    if (!rc) return undefined;
    const pods = projection.list('Pod', namespace);
    return { rc, plan: planReplication({ rc, pods, now: Date.now() }) };
  }

  /** Brings one controller's pods and status in line with its spec. */
  async reconcile(key: string, ctx: ReconcileContext): Promise<Result | void> {
    const { namespace, name } = parseKey(key);
    let planned = this.#plan(namespace, name);
    if (!planned || isEmptyPlan(planned.plan)) return;
    // Changing the pod count: decide on the latest log, so that instances agree as far as they can.
    if (planned.plan.create.length || planned.plan.claim.length) {
      await this.opts.projection.sync();
      planned = this.#plan(namespace, name);
      if (!planned || isEmptyPlan(planned.plan)) return;
    }
    const { rc, plan } = planned;
    const write: WriteContext = ctx.write.cause !== undefined ? ctx.write : { ...ctx.write, cause: rvOf(rc) };
    if (plan.status) {
      try {
        const reason = plan.claim.length ? `scale down: deleting ${plan.claim.map((p) => p.metadata.name).join(', ')}` : 'status';
        await this.opts.objects.update(RCKind, { ...rc, status: plan.status }, rvOf(rc), 'ReplicationControllerStatusUpdated', { ...write, reason });
      } catch (e) {
        // Another instance (or the user) changed the controller: plan again on the newer one.
        if (e instanceof ConflictError) return { retry: true };
        throw e;
      }
    }
    const failures: unknown[] = [];
    const run = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        if (!(e instanceof ConflictError) && !(e instanceof NotFoundError) && !(e instanceof AlreadyExistsError)) failures.push(e);
      }
    };
    const owner = controllerRef(rc);
    await Promise.all([
      ...plan.release.map((p) => run(() => this.#setOwner(p, undefined, rc, write))),
      ...plan.adopt.map((p) => run(() => this.#setOwner(p, owner, rc, write))),
      ...[...plan.claim, ...plan.delete].map((p) => run(() => deletePod(this.opts.objects, this.opts.projection, p, { ...write, reason: `replication controller ${rc.metadata.name}: ${isFinishedPod(p) ? 'finished pod' : 'scale down'}` }))),
      ...plan.create.map((n) => run(() => this.opts.objects.create(PodKind, podFromTemplate(rc, n, randomUUID(), Date.now()), { ...write, reason: `replication controller ${rc.metadata.name} wants ${rc.spec.replicas ?? 1} replicas` }))),
    ]);
    if (failures.length) throw failures[0] as Error;
    if (plan.blocked) return { requeueAfter: 1000 };
  }

  async #setOwner(p: Stored<Pod>, owner: OwnerReference | undefined, rc: ReplicationController, write: WriteContext): Promise<void> {
    const refs = (p.metadata.ownerReferences ?? []).filter((r) => !r.controller);
    const metadata: Stored<Pod>['metadata'] = { ...p.metadata, ownerReferences: owner ? [...refs, owner] : refs };
    if (!metadata.ownerReferences?.length) delete metadata.ownerReferences;
    const type = owner ? 'PodAdopted' : 'PodReleased';
    const reason = owner ? `adopted by replication controller ${rc.metadata.name}` : `labels no longer match replication controller ${rc.metadata.name}`;
    await this.opts.objects.update(PodKind, { ...p, metadata }, rvOf(p), type, { ...write, reason });
  }
}
