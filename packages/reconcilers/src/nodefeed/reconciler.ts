/**
 * The node feed reconciler: makes every node's feed (the KV the agent follows) show the pods the
 * log binds to it. Level-based, one key per pod: it compares the pod in the projection with the
 * feed entries that name it (a local mirror of the bucket) and puts or tombstones to match. On
 * start it reconciles every pod in the log and every pod on a feed, so a restart catches up.
 */
import { decodeToken, isChangeOf } from '@wharf/model';
import { type FeedEntry, type Logger, NodeFeed, type Projection } from '@wharf/store';
import { Controller } from '../controller/controller.js';
import type { Shard } from '../controller/shard.js';
import { objectKey, parseKey } from '../controller/keys.js';
import { KvMirror } from '../controller/kvmirror.js';
import { planFeed, type FeedCopy } from './plan.js';

/** How to run the node feed reconciler. */
export interface NodeFeedOptions {
  projection: Projection;
  feed: NodeFeed;
  log: Logger;
  workers?: number;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

/** The node feed reconciler with its mirror of the feed bucket. */
export class NodeFeedReconciler {
  readonly controller: Controller;
  readonly mirror: KvMirror<FeedEntry>;
  /** `namespace/name` -> node -> resourceVersion of the live feed entry. */
  readonly #copies = new Map<string, Map<string, number>>();

  constructor(readonly opts: NodeFeedOptions) {
    this.mirror = new KvMirror<FeedEntry>(opts.feed.kv, opts.log);
    this.controller = new Controller({
      shard: opts.shard,
      name: 'nodefeed',
      projection: opts.projection,
      log: opts.log,
      workers: opts.workers ?? 4,
      watches: [
        (c) => {
          if (!isChangeOf(c, 'Pod')) return undefined;
          const now = c.type === 'DELETED' ? undefined : c.object;
          const prev = c.previous;
          if (!now?.spec.nodeName && !prev?.spec.nodeName) return undefined;
          return objectKey('Pod', c.object.metadata.namespace, c.object.metadata.name);
        },
      ],
      resync: (state) => this.#allKeys(state),
      reconcile: (key) => this.reconcile(key),
    });
  }

  /** Loads the feed mirror, then starts the controller with a full resync. */
  async start(): Promise<void> {
    this.mirror.onChange((key, _before, after) => {
      const parts = key.split('.');
      if (parts.length !== 3) return;
      const node = decodeToken(parts[0]!);
      const ns = decodeToken(parts[1]!);
      const name = decodeToken(parts[2]!);
      const podKey = `${ns}/${name}`;
      const copies = this.#copies.get(podKey) ?? new Map<string, number>();
      if (after?.pod) copies.set(node, after.resourceVersion);
      else copies.delete(node);
      if (copies.size) this.#copies.set(podKey, copies);
      else this.#copies.delete(podKey);
      // The observed side changed: look at the pod again.
      this.controller.queue.add(objectKey('Pod', ns, name));
    });
    await this.mirror.start();
    this.controller.start();
  }

  /** Stops the controller and the mirror. */
  async stop(): Promise<void> {
    await this.controller.stop();
    this.mirror.stop();
  }

  *#allKeys(state: Projection['state']): Iterable<string> {
    const seen = new Set<string>();
    for (const bucket of state.kinds.Pod) {
      for (const o of Object.values(bucket)) {
        const k = objectKey('Pod', o.metadata.namespace, o.metadata.name);
        seen.add(k);
        yield k;
      }
    }
    for (const podKey of this.#copies.keys()) {
      const slash = podKey.indexOf('/');
      const k = objectKey('Pod', podKey.slice(0, slash), podKey.slice(slash + 1));
      if (!seen.has(k)) yield k;
    }
  }

  /** Makes the feeds show this pod as the projection does now. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = parseKey(key);
    const { projection, feed } = this.opts;
    const seq = projection.seq;
    const pod = projection.get('Pod', namespace, name);
    const copies: FeedCopy[] = [...(this.#copies.get(`${namespace}/${name}`) ?? [])].map(([node, resourceVersion]) => ({ node, resourceVersion }));
    const plan = planFeed(pod, copies, seq);
    if (plan.put) await feed.put(plan.put.node, plan.put.pod);
    for (const r of plan.remove) await feed.remove(r.node, namespace, name, r.resourceVersion);
  }
}
