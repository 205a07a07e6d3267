/**
 * The node feed: each node's own subject space, carrying the pods bound to it. It is a KV bucket
 * keyed `<node>.<namespace>.<pod>`; a value is the pod as the log last showed it, or a tombstone
 * once the pod is gone from the node. Writers compare-and-set on the pod's resourceVersion, so a
 * stale writer can never put back an older version. The agent watches `<node>.>`.
 */
import type { KV } from '@nats-io/kv';
import type { EventStore } from './eventstore.js';
import { ensureBucket, openBucket } from './buckets.js';
import { KvFollow } from './kvfollow.js';
import { encodeToken, type Pod, rvOf, type Stored } from '@wharf/model';

/** One entry of a node's feed: the pod, or a tombstone with the resourceVersion that removed it. */
export type FeedEntry = { pod: Stored<Pod>; removed?: undefined; resourceVersion: number } | { pod?: undefined; removed: { namespace: string; name: string }; resourceVersion: number };

/** Reads and writes node feeds. */
export class NodeFeed {
  private constructor(readonly kv: KV) {}

  /** Opens (creating if needed, with the event log's replicas unless told otherwise) the cluster's node feed bucket. */
  static async open(store: EventStore, replicas?: number): Promise<NodeFeed> {
    return new NodeFeed(await ensureBucket(store, store.subjects.nodeFeedBucket, replicas ? { replicas } : {}));
  }

  /**
   * Opens the bucket without creating it: what a node does, whose credentials may not create
   * streams. Waits (up to `waitMs`) for the control plane to have made it.
   */
  static async attach(store: EventStore, waitMs = 60_000): Promise<NodeFeed> {
    return new NodeFeed(await openBucket(store, store.subjects.nodeFeedBucket, waitMs));
  }

  /** The key of one pod on one node. */
  static key(node: string, namespace: string, name: string): string {
    return `${encodeToken(node)}.${encodeToken(namespace)}.${encodeToken(name)}`;
  }

  async #cas(key: string, entry: FeedEntry): Promise<boolean> {
    for (let i = 0; i < 8; i++) {
      const cur = await this.kv.get(key);
      const have = cur && cur.operation === 'PUT' ? (cur.json<FeedEntry>().resourceVersion ?? 0) : 0;
      if (have >= entry.resourceVersion) return false;
      try {
        if (cur) await this.kv.update(key, JSON.stringify(entry), cur.revision);
        else await this.kv.create(key, JSON.stringify(entry));
        return true;
      } catch {
        // Another writer moved the key; read again.
      }
    }
    return false;
  }

  /** Publishes the pod's current version on its node's feed (no-op if a newer one is there). */
  put(node: string, pod: Stored<Pod>): Promise<boolean> {
    return this.#cas(NodeFeed.key(node, pod.metadata.namespace ?? 'default', pod.metadata.name), { pod, resourceVersion: rvOf(pod) });
  }

  /** Marks the pod as gone from the node, as of `resourceVersion`. */
  remove(node: string, namespace: string, name: string, resourceVersion: number): Promise<boolean> {
    return this.#cas(NodeFeed.key(node, namespace, name), { removed: { namespace, name }, resourceVersion });
  }

  /** Current entry of one pod on one node. */
  async get(node: string, namespace: string, name: string): Promise<FeedEntry | undefined> {
    const e = await this.kv.get(NodeFeed.key(node, namespace, name));
    return e && e.operation === 'PUT' ? e.json<FeedEntry>() : undefined;
  }

  /** Every entry of one node now (pods and tombstones), and the bucket revision they cover. */
  async list(node: string): Promise<{ entries: FeedEntry[]; revision: number }> {
    const status = await this.kv.status();
    const revision = status.streamInfo.state.last_seq;
    const entries: FeedEntry[] = [];
    const keys = await this.kv.keys(`${encodeToken(node)}.>`);
    for await (const k of keys) {
      const e = await this.kv.get(k);
      if (e && e.operation === 'PUT') entries.push(e.json<FeedEntry>());
    }
    return { entries, revision };
  }

  /**
   * Watches one node's feed: first every current entry, then `undefined` to mark the end of the
   * initial list, then each change as it comes. Entries may repeat; the newest resourceVersion wins.
   */
  async *watch(node: string, signal?: AbortSignal): AsyncGenerator<FeedEntry | undefined> {
    const { entries, revision } = await this.list(node);
    for (const e of entries) yield e;
    yield undefined;
    const it = new KvFollow(this.kv, { key: `${encodeToken(node)}.>`, after: revision });
    const stop = () => it.stop();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const e of it) if (e.operation === 'PUT') yield e.json<FeedEntry>();
    } finally {
      signal?.removeEventListener('abort', stop);
      it.stop();
    }
  }
}
