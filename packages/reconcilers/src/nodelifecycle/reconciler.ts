/**
 * The node lifecycle reconciler: mirrors the heartbeat KV bucket, remembers when it last saw each
 * node's heartbeat change (its own clock, so agents' clocks do not matter), and reconciles one
 * key per node with `planLifecycle`: NodeReadinessChanged writes (compare-and-set on the node)
 * and evictions (forced PodDeleted, expected resourceVersion).
 */
import { decodeToken, isChangeOf, listObjects, mustKind, rvOf } from '@wharf/model';
import { ensureBucket, type EventStore, type Logger, type Objects, type Projection } from '@wharf/store';
import { Controller, type ReconcileContext, type Result } from '../controller/controller.js';
import type { Shard } from '../controller/shard.js';
import { objectKey, parseKey } from '../controller/keys.js';
import { KvMirror } from '../controller/kvmirror.js';
import { deletePod } from '../controller/podwrites.js';
import { planLifecycle } from './plan.js';

const NodeKind = mustKind('Node');

/** Whether a planned Node says Ready is not True (the write that calls a node unreachable). */
const isNotReady = (n: { status?: { conditions?: { type: string; status: string }[] } } | undefined): boolean => !!n && n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True';

/** How to run node lifecycle. */
export interface NodeLifecycleOptions {
  store: EventStore;
  projection: Projection;
  objects: Objects;
  log: Logger;
  /** Heartbeat silence after which a node is NotReady (default 10 s). */
  graceMs?: number;
  /** Time NotReady after which its pods are evicted (default 20 s). */
  evictionMs?: number;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

/** The node lifecycle controller. */
export class NodeLifecycleReconciler {
  readonly controller: Controller;
  readonly lastSeen = new Map<string, number>();
  readonly graceMs: number;
  readonly evictionMs: number;
  #mirror: KvMirror<unknown> | undefined;
  /** When the heartbeats could last not be heard (the mirror began, or began again, to follow; the bucket did not answer). */
  #silenceFrom = Date.now();

  constructor(readonly opts: NodeLifecycleOptions) {
    this.graceMs = opts.graceMs ?? 10_000;
    this.evictionMs = opts.evictionMs ?? 20_000;
    this.controller = new Controller({
      shard: opts.shard,
      name: 'node-lifecycle-controller',
      projection: opts.projection,
      log: opts.log,
      workers: 2,
      watches: [(c) => (isChangeOf(c, 'Node') && c.type !== 'DELETED' ? objectKey('Node', undefined, c.object.metadata.name) : undefined)],
      resync: (state) => listObjects(state, 'Node').map((n) => objectKey('Node', undefined, n.metadata.name)),
      reconcile: (key, ctx) => this.reconcile(key, ctx),
    });
  }

  /** Loads the heartbeat mirror, then starts the controller. */
  async start(): Promise<void> {
    const kv = await ensureBucket(this.opts.store, this.opts.store.subjects.heartbeatBucket);
    this.#mirror = new KvMirror<unknown>(kv, this.opts.log);
    // The heartbeats the bucket holds at start are no news (an agent that died left its last one):
    // a node is heard from its next heartbeat on, and silence counts from when it could be.
    let loading = true;
    this.#mirror.onChange((key, _before, after) => {
      if (after === undefined || loading) return;
      const node = decodeToken(key);
      const wasSeen = this.lastSeen.has(node);
      this.lastSeen.set(node, Date.now());
      const n = this.opts.projection.get('Node', undefined, node);
      const ready = n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (!wasSeen || !ready || n?.spec?.taints?.length) this.controller.queue.add(objectKey('Node', undefined, node));
    });
    await this.#mirror.start();
    loading = false;
    this.#silenceFrom = Date.now();
    this.controller.start();
  }

  /** Stops the controller and the mirror. */
  async stop(): Promise<void> {
    await this.controller.stop();
    this.#mirror?.stop();
  }

  /** Looks at one node: readiness, taint, evictions. */
  async reconcile(key: string, ctx: ReconcileContext): Promise<Result | void> {
    const { name } = parseKey(key);
    const { projection, objects } = this.opts;
    const node = projection.get('Node', undefined, name);
    if (!node) return;
    const pods = projection.list('Pod').filter((p) => p.spec.nodeName === name);
    // A node's silence counts from its last heartbeat, and not before the heartbeats could be heard (planLifecycle).
    const planNow = () => planLifecycle({ node, lastSeen: this.lastSeen.get(name) ?? 0, unobservedUntil: this.#silenceFrom, now: Date.now(), graceMs: this.graceMs, evictionMs: this.evictionMs, pods });
    let plan = planNow();
    // Silence is only news when the mirror is current. A heartbeat watch whose consumer was lost
    // (the bucket's JetStream peers changed) hears nothing from any node; while the bucket elects
    // a leader, no agent can write its heartbeat. Either way: watch again, and give every node the
    // grace period from then, before calling a node unreachable or evicting.
    if (this.#mirror && (plan.evict.length || isNotReady(plan.node))) {
      const current = await this.#mirror.current().catch((e: Error) => {
        ctx.log.info({ node: name, err: e.message }, 'the heartbeat bucket does not answer: no node is called unreachable until it does');
        return false;
      });
      if (!current) this.#silenceFrom = Date.now();
      // Heartbeats heard while the mirror caught up count too.
      plan = planNow();
    }
    const write = { ...ctx.write, cause: ctx.write.cause ?? rvOf(node) };
    if (plan.node) {
      const ready = plan.node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      await objects.update(NodeKind, plan.node, rvOf(node), 'NodeReadinessChanged', { ...write, reason: ready === 'True' ? `node ${name} is posting heartbeats again` : `node ${name} stopped posting heartbeats (grace ${this.graceMs / 1000}s)` });
    }
    await Promise.all(plan.evict.map((p) => deletePod(objects, projection, p, { ...write, cause: rvOf(node), reason: `NodeLost: node ${name} unreachable for ${this.evictionMs / 1000}s; evicted` }, true)));
    if (plan.evict.length) ctx.log.info({ node: name, pods: plan.evict.length }, 'evicted pods of an unreachable node');
    return { requeueAfter: plan.requeueAfterMs };
  }
}
