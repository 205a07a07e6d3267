/** Opening KV buckets that the control plane makes, from components that may not make them. */
import { Kvm, type KV } from '@nats-io/kv';
import type { EventStore } from './eventstore.js';

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
 * Creates the bucket when this component may (a development cluster, or the control plane), else
 * opens it as made by the control plane, waiting for it as openBucket does.
 */
export async function ensureBucket(store: EventStore, bucket: string, opts: { history?: number; replicas?: number } = {}): Promise<KV> {
  try {
    return await new Kvm(store.nc).create(bucket, { history: opts.history ?? 1, ...(opts.replicas ? { replicas: opts.replicas } : {}) });
  } catch {
    // Not allowed to create it (a node's credentials), or it exists with other settings.
    return openBucket(store, bucket);
  }
}
