/** What the API routes need (the store, the projection, the write path, the token table, how to authorize), and how it is opened. */
import type { NodeCredentials } from './join/credentials.js';
import type { ControlPlaneMembersList, RouteSecret } from './controlplane/members.js';
import { clusterDNSAddress, DEFAULT_CLUSTER_CIDR, DEFAULT_CLUSTER_DOMAIN, formatIpv4Cidr, type Ipv4Cidr } from '@wharf/model';
import { ensureBucket, EventStore, initialState, LogStore, type Logger, type NatsAuth, NodeFeed, PodCIDRClaims, ProxyAcks, Objects, Projection, type SnapshotPolicy, SnapshotStore, Snapshotter, type StreamSettings, TimeTravel } from '@wharf/store';
import { Tokens } from './auth/tokens.js';
import { ensureNamespaces } from './bootstrap.js';
import { NodePortAllocator } from './nodeports.js';
import { ClusterIPAllocator } from './clusterips.js';
import { DEFAULT_SERVICE_CIDR } from './admission/clusterip.js';
import { Resources } from './resources.js';
import { startNodeRelay } from './relay/server.js';
import type { AuthorizationMode } from './auth/authorizer.js';

/** Shared dependencies of every route. */
export interface ApiContext {
  store: EventStore;
  projection: Projection;
  objects: Objects;
  resources: Resources;
  tokens: Tokens;
  /** The snapshot bucket, unless snapshots are off. */
  snapshots?: SnapshotStore | undefined;
  /** Rebuilds past states for `?at=` and diffs. */
  timeTravel: TimeTravel;
  /** How requests are authorized (wharf-api --authorization-mode); RBAC when unset. */
  authorizationMode?: AuthorizationMode | undefined;
  /** Joins and revocations of nodes: only on a control plane made by `wharf init` (--pki-dir). */
  nodeCredentials?: NodeCredentials | undefined;
  /** The control-plane hosts and the route secret: only on a cluster made with `wharf init --control-plane-endpoint`. */
  controlPlane?: { members: ControlPlaneMembersList; secret: RouteSecret } | undefined;
  /** The cluster's networks, as /cluster-info advertises them. */
  networks?: ClusterNetworks | undefined;
}

/** The cluster's networks a joining node is told. */
export interface ClusterNetworks {
  /** The cluster CIDR the nodeipam reconciler recorded, else wharf-api's --cluster-cidr. */
  clusterCIDR(): Promise<string>;
  serviceCIDR: string;
  clusterDNS: string;
  clusterDomain: string;
}

/** Settings of openApiContext. */
export interface ContextOptions extends StreamSettings {
  natsUrl: string;
  /** NATS credentials and TLS. */
  natsAuth?: NatsAuth;
  cluster: string;
  /** When to save projection snapshots; false neither loads nor saves them (a full replay at start). */
  snapshots: SnapshotPolicy | false;
  /** --service-cluster-ip-range as given (undefined: the cluster's recorded range, else the default). */
  serviceCidr?: string | undefined;
  /** Refuses a service range this machine cannot use (StartupError); the daemon checks its own networks. */
  checkServiceRange?: ((range: Ipv4Cidr) => void) | undefined;
  /** --cluster-cidr: the pod network advertised until a nodeipam reconciler records one (default 10.244.0.0/16). */
  clusterCidr?: string | undefined;
  /** --cluster-domain (default cluster.local). */
  clusterDomain?: string | undefined;
  log: Logger;
}

/** An open context; `close` stops the snapshotter and the projection and closes the connection. */
export interface OpenContext {
  ctx: ApiContext;
  close(): Promise<void>;
}

/** Connects to the log (waiting as long as it takes for JetStream to answer, as a kubelet waits for its API server), builds the projection (from the newest snapshot), opens the buckets, makes the system namespaces and serves the node relay. */
export async function openApiContext(o: ContextOptions): Promise<OpenContext> {
  const { log } = o;
  const replicas = o.replicas ?? 1;
  const store = await EventStore.connect({ natsUrl: o.natsUrl, auth: o.natsAuth, cluster: o.cluster, name: 'wharf-api', replicas, maxAgeSeconds: o.maxAgeSeconds, maxBytes: o.maxBytes, jetStreamWaitMs: Infinity });
  const t0 = Date.now();
  // Every bucket and stream below is made with the event log's replicas (buckets.ts).
  const snapshots = o.snapshots ? await SnapshotStore.open(store) : undefined;
  const projection = new Projection(store, await initialState(store, snapshots, log));
  await projection.start();
  log.info({ seq: projection.seq, ms: Date.now() - t0 }, 'projection ready');
  const snapshotter = snapshots && o.snapshots ? new Snapshotter(projection, snapshots, o.snapshots, log.child({ part: 'snapshots' })) : undefined;
  snapshotter?.start();
  const timeTravel = new TimeTravel(store, snapshots, log);
  const objects = new Objects(store, projection);
  const tokens = await Tokens.open(store);
  // The control plane makes every bucket and stream the nodes use: a node's credentials may
  // only open them.
  const [, , , , podCIDRs] = await Promise.all([NodeFeed.open(store), ensureBucket(store, store.subjects.heartbeatBucket), ProxyAcks.open(store), LogStore.open(store), PodCIDRClaims.open(store)]);
  const nodePorts = await NodePortAllocator.open(store, projection);
  let clusterIPs: ClusterIPAllocator;
  try {
    clusterIPs = await ClusterIPAllocator.open(store, projection, { wanted: o.serviceCidr, fallback: DEFAULT_SERVICE_CIDR, check: o.checkServiceRange });
  } catch (e) {
    await snapshotter?.stop();
    projection.stop();
    tokens.close();
    await store.close();
    throw e;
  }
  const resources = new Resources(objects, projection, { nodePorts, clusterIPs, timeTravel });
  const clusterCidr = o.clusterCidr ?? DEFAULT_CLUSTER_CIDR;
  const networks: ClusterNetworks = {
    clusterCIDR: async () => (await podCIDRs.recordedRange().catch(() => undefined))?.clusterCIDR ?? clusterCidr,
    serviceCIDR: formatIpv4Cidr(clusterIPs.range),
    clusterDNS: clusterDNSAddress(clusterIPs.range),
    clusterDomain: o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
  };
  await ensureNamespaces(objects);
  const relay = startNodeRelay(store, log);
  return {
    ctx: { store, projection, objects, resources, tokens, snapshots, timeTravel, networks },
    async close() {
      await relay.stop();
      await snapshotter?.stop();
      projection.stop();
      tokens.close();
      await store.close();
    },
  };
}
