/**
 * The nodeipam reconciler: mirrors the pod CIDR claims bucket and reconciles one key per node
 * with `planNodeIpam`. A subnet is claimed (create-if-absent, or re-affirmed when the node holds
 * it) before the Node is written (NodePodCIDRAssigned, compare-and-set on the node), so two
 * instances never hand out one subnet; a claim is freed only once fresh state shows its node gone
 * or holding another subnet. Freeing a subnet wakes the nodes that wait for one.
 */
import { ConflictError, describeNodeCidrRange, isChangeOf, listObjects, mustKind, type NodeCidrRange, rvOf, subnetOfKey } from '@wharf/model';
import type { Logger, Objects, PodCIDRClaims, Projection } from '@wharf/store';
import { Controller, type ReconcileContext, type Result } from '../controller/controller.js';
import { objectKey, parseKey } from '../controller/keys.js';
import { KvMirror } from '../controller/kvmirror.js';
import type { Shard } from '../controller/shard.js';
import { type Claim, planNodeIpam, withNoCIDR, withPodCIDR } from './plan.js';

const NodeKind = mustKind('Node');

/** How to run node IPAM. */
export interface NodeIpamOptions {
  projection: Projection;
  objects: Objects;
  claims: PodCIDRClaims;
  /** The cluster's settled range (see range.ts). */
  range: NodeCidrRange;
  log: Logger;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
  /** How often a node left without a subnet looks again, besides every release (default 30 s). */
  waitingRetryMs?: number;
}

const nodeKey = (name: string) => objectKey('Node', undefined, name);

/** The node IPAM controller. */
export class NodeIpamReconciler {
  readonly controller: Controller;
  readonly #mirror: KvMirror<string>;

  constructor(readonly opts: NodeIpamOptions) {
    this.#mirror = new KvMirror<string>(opts.claims.kv, opts.log, '>', (e) => e.string());
    this.controller = new Controller({
      shard: opts.shard,
      name: 'node-ipam-controller',
      projection: opts.projection,
      log: opts.log,
      workers: 2,
      watches: [(c) => (isChangeOf(c, 'Node') ? nodeKey(c.object.metadata.name) : undefined)],
      // Every node, and every node a claim names (a claim whose node is gone is freed).
      resync: (state) => new Set([...listObjects(state, 'Node').map((n) => nodeKey(n.metadata.name)), ...this.claims().map((c) => nodeKey(c.node))]),
      reconcile: (key, ctx) => this.reconcile(key, ctx),
    });
  }

  /** The claims as mirrored. */
  claims(): Claim[] {
    const out: Claim[] = [];
    for (const [key, m] of this.#mirror.entries) {
      const subnet = subnetOfKey(key);
      if (subnet !== undefined) out.push({ subnet, node: m.value, revision: m.revision });
    }
    return out;
  }

  /** Loads the claims, then starts the controller. */
  async start(): Promise<void> {
    await this.#mirror.start();
    this.#mirror.onChange((key, before, after) => {
      if (subnetOfKey(key) === undefined) return;
      for (const n of [before, after]) if (n !== undefined) this.controller.queue.add(nodeKey(n));
      // A subnet came free: the nodes waiting for one try again.
      if (after === undefined) for (const n of this.opts.projection.list('Node')) if (!n.spec?.podCIDR) this.controller.queue.add(nodeKey(n.metadata.name));
    });
    this.controller.start();
  }

  /** Stops the controller and the mirror. */
  async stop(): Promise<void> {
    await this.controller.stop();
    this.#mirror.stop();
  }

  /** Looks at one node: frees the claims it does not use, re-claims its own, or gives it a subnet. */
  async reconcile(key: string, ctx: ReconcileContext): Promise<Result | void> {
    const { name } = parseKey(key);
    const { projection, objects, claims, range } = this.opts;
    const node = projection.get('Node', undefined, name);
    const held = new Set(projection.list('Node').flatMap((n) => (n.spec?.podCIDR ? [n.spec.podCIDR] : [])));
    const plan = planNodeIpam({ name, node, range, claims: this.claims(), held });
    for (const c of plan.release) await this.#release(c, name, ctx);
    if (plan.reclaim && !(await claims.claim(plan.reclaim, name))) {
      ctx.log.warn({ node: name, podCIDR: plan.reclaim, holder: (await claims.get(plan.reclaim))?.node }, "the node's pod CIDR is claimed by another node");
    }
    if (!node || !plan.candidates) return;
    const write = { ...ctx.write, cause: ctx.write.cause ?? rvOf(node) };
    try {
      for (const subnet of plan.candidates) {
        if (!(await claims.claim(subnet, name))) continue;
        await objects.update(NodeKind, withPodCIDR(node, subnet), rvOf(node), 'NodePodCIDRAssigned', { ...write, reason: `pod CIDR ${subnet} of ${describeNodeCidrRange(range)}` });
        ctx.log.info({ node: name, podCIDR: subnet }, 'assigned a pod CIDR');
        return;
      }
      const marked = withNoCIDR(node, range, new Date());
      if (marked) {
        await objects.update(NodeKind, marked, rvOf(node), 'NodeCIDRNotAvailable', { ...write, reason: `no pod CIDR is free in ${describeNodeCidrRange(range)}` });
        ctx.log.warn({ node: name, range: describeNodeCidrRange(range) }, 'no pod CIDR is free for the node: it waits for one (NetworkUnavailable, NoCIDRAvailable)');
      }
    } catch (e) {
      // The node changed meanwhile (another instance gave it a subnet, its agent reported): look
      // again. A claim made for the lost write stays; the next look adopts it, or frees it.
      if (e instanceof ConflictError) return { retry: true };
      throw e;
    }
    return { requeueAfter: this.opts.waitingRetryMs ?? 30_000 };
  }

  /**
   * Frees a claim once fresh state agrees: the claim still names the node at the same revision
   * (read first), and the log, read up to now (after that), shows the node gone or holding another
   * subnet. A node that made the claim was registered before it, so a node missing after the sync
   * is deleted; a re-claim meanwhile moves the revision, and the delete then fails.
   */
  async #release(c: Claim, name: string, ctx: ReconcileContext): Promise<void> {
    const { claims, projection } = this.opts;
    const fresh = await claims.get(c.subnet);
    if (!fresh || fresh.node !== name) return;
    await projection.sync();
    const node = projection.get('Node', undefined, name);
    if (node && (!node.spec?.podCIDR || node.spec.podCIDR === fresh.subnet)) return;
    if (await claims.release(fresh)) ctx.log.info({ node: name, podCIDR: fresh.subnet, reason: node ? `the node holds ${node.spec?.podCIDR}` : 'the node is gone' }, 'released a pod CIDR');
  }
}
