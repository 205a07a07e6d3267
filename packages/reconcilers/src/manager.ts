/**
 * The reconciler manager: one process, one connection, one Projection shared by every
 * controller it runs. Any number of managers may run at once: they share the keys by rendezvous
 * hashing over the live members (see runtime/membership.ts), and every write they make is a
 * compare-and-set, so two of them never act twice even while the members change.
 */
import type { NodeCidrRange } from '@wharf/model';
import { EventStore, initialState, isOutage, type Logger, type NatsAuth, NodeFeed, Objects, PodCIDRClaims, Projection, SnapshotStore } from '@wharf/store';
import { EndpointsReconciler } from './endpoints/reconciler.js';
import { GarbageCollector } from './gc/collector.js';
import { NodeFeedReconciler } from './nodefeed/reconciler.js';
import { NodeIpamReconciler } from './nodeipam/reconciler.js';
import { recordedServiceRange, refuseServiceOverlap, settleRange } from './nodeipam/range.js';
import { NodeLifecycleReconciler } from './nodelifecycle/reconciler.js';
import { ReplicationReconciler } from './replication/reconciler.js';
import { defaultInstance, Membership } from './controller/membership.js';
import type { Shard } from './controller/shard.js';
import { AllocationLedger } from './scheduler/ledger.js';
import { SchedulerReconciler } from './scheduler/reconciler.js';

/** The controllers a manager can run. */
export const CONTROLLER_NAMES = ['scheduler', 'nodefeed', 'endpoints', 'replication', 'gc', 'nodelifecycle', 'nodeipam'] as const;
/** One of CONTROLLER_NAMES. */
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** How to start a manager. */
export interface ManagerOptions {
  natsUrl: string;
  /** NATS credentials and TLS. */
  natsAuth?: NatsAuth;
  cluster: string;
  controllers: readonly ControllerName[];
  log: Logger;
  /** The connection name shown by nats-server. */
  name?: string;
  /** Start from the newest snapshot (default true). */
  snapshots?: boolean;
  /** Node lifecycle: heartbeat silence before NotReady (default 10 s). */
  nodeMonitorGraceMs?: number;
  /** Node lifecycle: NotReady time before eviction (default 20 s). */
  podEvictionTimeoutMs?: number;
  /** This instance's name among the reconcilers (default host-pid-random). */
  instance?: string;
  /** Share the keys with the other live instances (default true); false reconciles every key. */
  share?: boolean;
  /** Node IPAM: --cluster-cidr as given (undefined: the cluster's recorded range, else 10.244.0.0/16). */
  clusterCidr?: string | undefined;
  /** Node IPAM: --node-cidr-mask-size as given (undefined: the recorded one, else 24). */
  nodeCidrMaskSize?: string | undefined;
  /** Node IPAM: refuses (StartupError) a pod network this machine cannot use; the daemon checks its own networks. */
  checkPodNetwork?: ((range: NodeCidrRange) => void) | undefined;
}

/** A running manager. */
export interface Manager {
  projection: Projection;
  /** This instance's place among the live reconcilers (when sharing). */
  membership?: Membership;
  scheduler?: SchedulerReconciler;
  nodefeed?: NodeFeedReconciler;
  endpoints?: EndpointsReconciler;
  replication?: ReplicationReconciler;
  gc?: GarbageCollector;
  nodelifecycle?: NodeLifecycleReconciler;
  nodeipam?: NodeIpamReconciler;
  /** Stops every controller, then the projection and the connection. */
  stop(): Promise<void>;
}

/** Parses `--controllers`: a comma-separated subset of CONTROLLER_NAMES ('*' or '' for all). */
export function parseControllers(list: string | undefined): ControllerName[] {
  if (!list || list === '*') return [...CONTROLLER_NAMES];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(CONTROLLER_NAMES as readonly string[]).includes(n)) throw new Error(`unknown controller "${n}": choose from ${CONTROLLER_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as ControllerName[];
}

/** Connects, starts the shared projection and then each controller asked for. */
export async function startManager(opts: ManagerOptions): Promise<Manager> {
  // No retention settings: the stream's retention is wharf-api's to configure, never reset here.
  const store = await EventStore.connect({ natsUrl: opts.natsUrl, auth: opts.natsAuth, cluster: opts.cluster, name: opts.name ?? 'wharf-reconcilers', jetStreamWaitMs: Infinity });
  // Start from the newest snapshot the API servers saved (read only: one kind of writer is enough).
  const snapshots = opts.snapshots === false ? undefined : await SnapshotStore.open(store).catch((err: unknown) => (opts.log.warn({ err }, 'snapshots unavailable; replaying the whole log'), undefined));
  const projection = new Projection(store, await initialState(store, snapshots, opts.log));
  const stops: (() => Promise<void> | void)[] = [];
  const m: Manager = {
    projection,
    async stop() {
      // Leave first: the other instances take this one's keys over while it winds down.
      await m.membership?.leave();
      for (const s of stops.reverse()) await s();
      projection.stop();
      await store.close();
    },
  };
  const instance = opts.instance ?? defaultInstance();
  try {
    await projection.start();
    const objects = new Objects(store, projection);
    if (opts.share !== false) m.membership = await Membership.join(store, instance, opts.log.child({ component: 'membership' }));
    const shard: Shard | undefined = m.membership;
    if (opts.controllers.includes('scheduler')) {
      const log = opts.log.child({ controller: 'scheduler' });
      const ledger = await AllocationLedger.open(store, log);
      const scheduler = new SchedulerReconciler({ projection, objects, ledger, log, instance, shard });
      scheduler.start();
      stops.push(() => ledger.stop(), () => scheduler.stop());
      m.scheduler = scheduler;
    }
    if (opts.controllers.includes('nodefeed')) {
      const nodefeed = new NodeFeedReconciler({ projection, feed: await NodeFeed.open(store), log: opts.log.child({ controller: 'nodefeed' }), shard });
      await nodefeed.start();
      stops.push(() => nodefeed.stop());
      m.nodefeed = nodefeed;
    }
    if (opts.controllers.includes('endpoints')) {
      const endpoints = new EndpointsReconciler({ projection, objects, log: opts.log.child({ controller: 'endpoints' }), shard });
      endpoints.start();
      stops.push(() => endpoints.stop());
      m.endpoints = endpoints;
    }
    if (opts.controllers.includes('replication')) {
      const replication = new ReplicationReconciler({ projection, objects, log: opts.log.child({ controller: 'replication' }), shard });
      replication.start();
      stops.push(() => replication.stop());
      m.replication = replication;
    }
    if (opts.controllers.includes('gc')) {
      const gc = new GarbageCollector({ projection, objects, log: opts.log.child({ controller: 'gc' }), shard });
      gc.start();
      stops.push(() => gc.stop());
      m.gc = gc;
    }
    if (opts.controllers.includes('nodelifecycle')) {
      const nl = new NodeLifecycleReconciler({
        store,
        projection,
        objects,
        shard,
        log: opts.log.child({ controller: 'nodelifecycle' }),
        ...(opts.nodeMonitorGraceMs !== undefined ? { graceMs: opts.nodeMonitorGraceMs } : {}),
        ...(opts.podEvictionTimeoutMs !== undefined ? { evictionMs: opts.podEvictionTimeoutMs } : {}),
      });
      await nl.start();
      stops.push(() => nl.stop());
      m.nodelifecycle = nl;
    }
    if (opts.controllers.includes('nodeipam')) {
      const log = opts.log.child({ controller: 'nodeipam' });
      const claims = await PodCIDRClaims.open(store);
      const serviceRange = await recordedServiceRange(store);
      const range = await settleRange(claims, { clusterCidr: opts.clusterCidr, nodeCidrMaskSize: opts.nodeCidrMaskSize }, (r) => {
        refuseServiceOverlap(r, serviceRange);
        opts.checkPodNetwork?.(r);
      });
      const ipam = new NodeIpamReconciler({ projection, objects, claims, range, log, shard });
      await ipam.start();
      stops.push(() => ipam.stop());
      m.nodeipam = ipam;
    }
  } catch (e) {
    await m.stop().catch(() => undefined);
    throw e;
  }
  opts.log.info({ cluster: opts.cluster, controllers: opts.controllers, seq: projection.seq, instance, members: m.membership?.members }, 'reconcilers started');
  return m;
}

/** How long a manager's start is tried again through outages of JetStream (an R3 stream elects a leader in 2-11 s). */
export const START_OUTAGE_BUDGET_MS = 120_000;

/**
 * Starts a manager (`start`: startManager); a start that fails on an outage of JetStream (no
 * answer in time, no leader yet: isOutage), as while the cluster elects leaders after losing a
 * server, has stopped what it had started, and starts again after `pauseMs`, saying why, until
 * `budgetMs` is spent. Any other failure (a refused pod network, a bad setting) ends it at once.
 */
export async function startManagerThroughOutages(opts: ManagerOptions, start: (o: ManagerOptions) => Promise<Manager> = startManager, budgetMs = START_OUTAGE_BUDGET_MS, pauseMs = 2000): Promise<Manager> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    try {
      return await start(opts);
    } catch (e) {
      if (!isOutage(e) || Date.now() + pauseMs > deadline) throw e;
      opts.log.warn({ err: (e as Error).message }, `JetStream did not answer while the reconcilers started (a leader election?); starting again in ${pauseMs / 1000} s`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
