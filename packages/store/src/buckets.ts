/**
 * The KV buckets of a cluster: made by the components that may make them, with the event log's
 * replicas, and opened by the others (nodes), which wait for the control plane to make them.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { EventStore } from './eventstore.js';

/** Settings of a bucket that ensureBucket makes. */
export interface BucketOptions {
  /** Values kept per key (default 1). */
  history?: number;
  /** Replicas; default: the event log stream's now, so every bucket follows the cluster's replication. */
  replicas?: number;
  /** How long a value lives, in ms (default: forever). */
  ttl?: number;
}

/**
 * Opens an existing bucket; while it does not exist yet (the API server makes the buckets when it
 * starts), waits and tries again, up to `waitMs`. Says once that it waits.
 */
export async function openBucket(store: EventStore, bucket: string, waitMs = 60_000): Promise<KV> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      // open() binds without asking the server; status() proves the bucket exists. Direct gets
      // name the key in the request subject, which is what node permissions are scoped by.
      const kv = await new Kvm(store.nc).open(bucket, { allow_direct: true });
      await kv.status();
      return kv;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the bucket ${bucket} does not exist: is wharf-api running? (${(e as Error).message})`);
      if (attempt === 0) process.stderr.write(`waiting for the control plane to create ${bucket}...\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Creates the bucket when this component may (a development cluster, or the control plane), with
 * as many replicas as the event log stream has unless told otherwise; else (a node's
 * credentials, or the bucket exists with other settings, such as fewer replicas from before the
 * cluster grew) opens it as it is, waiting for it as openBucket does.
 */
export async function ensureBucket(store: EventStore, bucket: string, opts: BucketOptions = {}): Promise<KV> {
  try {
    const replicas = opts.replicas ?? (await store.currentReplicas());
    return await new Kvm(store.nc).create(bucket, { history: opts.history ?? 1, replicas, ...(opts.ttl ? { ttl: opts.ttl } : {}) });
  } catch {
    return openBucket(store, bucket);
  }
}
