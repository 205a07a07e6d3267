/**
 * The node's pod network, kept in line (I/O runner over the pure plans): follows the cluster's
 * Nodes in the event log (the ServiceFeed fold, on Nodes), and on every change and every resync
 *
 *   1. takes this node's pod CIDR (`--pod-cidr`, else its Node's spec.podCIDR); none yet → not ready
 *   2. once: makes or reuses the Docker network on it (networkAction), then keeps the iptables
 *      chains and jumps in place (rewritten each time: cheap, and repairs a flushed table)
 *   3. routes every other node's pod CIDR via its address, deleting the routes no Node wants
 *   4. keeps its Node's Ready condition in line (NetworkNotReady while there is no network)
 *
 * Hollow nodes (`host: false`) make the network in their fake runtime only: no iptables, no routes.
 */
import { listObjects, type KObject, mustKind, type Node, type State, timestamp } from '@wharf/model';
import { type EventStore, type Logger, RelayUnavailableError, ServiceFeed } from '@wharf/store';
import { networkProblem, nodeReadiness } from '../node.js';
import type { NodeObjects } from '../relay.js';
import type { Runtime } from '../runtime/runtime.js';
import { applyRules, deleteRoute, localAddresses, replaceRoute, wharfRoutes } from './host.js';
import { networkAction, PodNetworkError, podNetworkPlan, type PodNetworkPlan } from './plan.js';
import { desiredRoutes, podCidrOf, routeChanges } from './routes.js';

const NodeKind = mustKind('Node');

/** What the pod network needs. */
export interface PodNetworkDeps {
  cluster: string;
  node: string;
  clusterCidr: string;
  /** `--pod-cidr` (standalone mode); else the Node's. */
  podCidr?: string;
  runtime: Runtime;
  /** False for hollow nodes: the network lives in the fake runtime alone. */
  host: boolean;
  /** Writes the Node's Ready condition (through the node relay). */
  objects: NodeObjects;
  store: EventStore;
  log: Logger;
  /** Called once the network is ready (the kubelet may start pods). */
  onReady: () => void;
  /** How often to look again without a Node change (rules, routes, readiness). Default 30 s. */
  resyncMs?: number;
}

/** The pod network of one node. */
export class PodNetwork {
  readonly #feed: ServiceFeed;
  #plan: PodNetworkPlan | undefined;
  #said: string | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #started = false;
  /** Nodes changed while start was making the network: its look may have missed them. */
  #changedDuringStart = false;
  #synced!: () => void;
  readonly #syncedOnce = new Promise<void>((r) => (this.#synced = r));

  constructor(readonly deps: PodNetworkDeps) {
    this.#feed = new ServiceFeed(deps.store, deps.log, () => this.#onNodes(), [NodeKind]);
  }

  /** True once the node's Docker network and rules are in place: pods may start. */
  ready(): boolean {
    return this.#plan !== undefined;
  }

  /** The network in place, if any. */
  get plan(): PodNetworkPlan | undefined {
    return this.#plan;
  }

  /**
   * Follows the Nodes and resolves once it has read them and made the network when the pod CIDR
   * is known; rejects (PodNetworkError) when that network cannot be made, so the agent exits
   * with the reason. Without a pod CIDR it resolves at once, not ready.
   */
  async start(): Promise<void> {
    this.#feed.start();
    await this.#syncedOnce;
    this.#changedDuringStart = false;
    await this.#sync(true);
    this.#started = true;
    this.#schedule();
    if (this.#changedDuringStart) this.kick();
  }

  #onNodes(): void {
    if (!this.#feed.synced) return;
    this.#synced();
    if (this.#started) this.kick();
    else this.#changedDuringStart = true;
  }

  /** Asks for a look soon (coalesced). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#sync(false)
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'pod network sync failed; retrying'))
      .finally(() => {
        this.#running = undefined;
        this.#schedule();
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.kick(), this.deps.resyncMs ?? 30_000);
    this.#timer.unref();
  }

  async #sync(startup: boolean): Promise<void> {
    const { node, log } = this.deps;
    const state: State = this.#feed.state;
    const nodes = listObjects(state, 'Node') as Node[];
    const self = nodes.find((n) => n.metadata.name === node);
    let problem = networkProblem(node, this.deps.podCidr, self);
    const cidr = this.deps.podCidr ?? (self ? podCidrOf(self) : undefined);
    if (cidr && this.deps.podCidr && self && podCidrOf(self) && podCidrOf(self) !== cidr) this.#sayOnce(`--pod-cidr ${cidr} differs from the Node's podCIDR ${podCidrOf(self)}; the flag wins on this node`, 'warn');
    if (cidr) {
      try {
        const plan = podNetworkPlan(this.deps.cluster, node, cidr, this.deps.clusterCidr);
        if (this.#plan && this.#plan.podCidr !== plan.podCidr) this.#sayOnce(`the Node's podCIDR changed from ${this.#plan.podCidr} to ${plan.podCidr}; keeping the network on ${this.#plan.podCidr} until the agent restarts`, 'error');
        else await this.#ensure(plan, !this.#plan);
      } catch (e) {
        if (startup || !(e instanceof PodNetworkError)) throw e;
        problem = `network not ready: ${e.message}`;
        this.#sayOnce(e.message, 'error');
      }
    } else if (startup) log.warn({ clusterCidr: this.deps.clusterCidr }, 'no podCIDR for this node yet: no pod starts until the Node gets one (or start wharf-agent with --pod-cidr)');
    if (this.#plan) {
      problem = undefined;
      if (this.deps.host) await this.#syncRoutes(nodes, this.#plan).catch((err: Error) => log.warn({ err: err.message }, 'listing the routes failed; retrying'));
    }
    if (self) await this.#report(self, problem).catch((err: Error) => log.warn({ err: err.message }, 'reporting the node\'s readiness failed; retrying'));
  }

  /** Makes (or reuses) the network and its rules; `first`: the network is new to this agent. */
  async #ensure(plan: PodNetworkPlan, first: boolean): Promise<void> {
    const { runtime, log } = this.deps;
    if (first) {
      const existing = await runtime.inspectNetwork(plan.name);
      const action = networkAction(existing, plan);
      if (action === 'recreate') await runtime.removeNetwork(plan.name);
      if (action !== 'reuse') {
        try {
          await runtime.createNetwork({ name: plan.name, subnet: plan.podCidr, gateway: plan.gateway, bridge: plan.bridge, labels: plan.labels });
        } catch (e) {
          throw new PodNetworkError(`cannot create the Docker network ${plan.name} on ${plan.podCidr}: ${((e as Error).message.split('\n')[0] ?? '').replace(/^\(HTTP code \d+\)\s*\S*\s*-\s*/, '')}`);
        }
      }
      log.info({ network: plan.name, podCIDR: plan.podCidr, bridge: plan.bridge, gateway: plan.gateway, action }, 'pod network ready');
    }
    if (this.deps.host) await applyRules(plan);
    if (first) {
      this.#plan = plan;
      this.deps.onReady();
    }
  }

  async #syncRoutes(nodes: readonly Node[], plan: PodNetworkPlan): Promise<void> {
    const desired = desiredRoutes({ self: this.deps.node, nodes, clusterCidr: plan.clusterCidr, localAddresses: localAddresses(), ownPodCidr: plan.podCidr, src: plan.gateway });
    const { replace, remove } = routeChanges(await wharfRoutes(), desired, plan.clusterCidr);
    const log = this.deps.log;
    // One route that cannot be made (an unreachable gateway) holds up none of the others.
    for (const r of replace) {
      await replaceRoute(r).then(
        () => log.info({ dst: r.dst, via: r.via }, 'route to a node\'s pods set'),
        (err: Error) => log.warn({ dst: r.dst, via: r.via, err: err.message }, 'cannot route to a node\'s pods; retrying'),
      );
    }
    for (const dst of remove) {
      await deleteRoute(dst).then(
        () => log.info({ dst }, 'route to pods no node has any more deleted'),
        (err: Error) => log.warn({ dst, err: err.message }, 'cannot delete a route; retrying'),
      );
    }
  }

  /** Writes the Node's Ready condition when it disagrees with the network's state. */
  async #report(self: Node, problem: string | undefined): Promise<void> {
    if (!nodeReadiness(self, problem, timestamp(new Date()))) return;
    const decide = (cur: (Node & KObject) | undefined, now: Date) => {
      const next = cur && nodeReadiness(cur, problem, timestamp(now));
      return next ? { object: next, type: 'NodeStatusUpdated' as const } : undefined;
    };
    try {
      await this.deps.objects.change<Node & KObject>(NodeKind, undefined, this.deps.node, decide, { reason: problem ? 'pod network not ready' : 'pod network ready' });
    } catch (e) {
      if (!(e instanceof RelayUnavailableError)) throw e;
    }
  }

  #sayOnce(msg: string, level: 'warn' | 'error'): void {
    if (this.#said === msg) return;
    this.#said = msg;
    this.deps.log[level]({ node: this.deps.node }, msg);
  }

  /** Stops following; the network, rules and routes stay (a restarted agent reuses them). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#feed.stop();
    await this.#running;
  }
}
