/**
 * Claims in a KV bucket, shared by the allocators that hand out unique things (ClusterIPs in
 * wharf-api, node pod CIDRs in wharf-reconcilers): a key is claimed by creating it only if it is
 * absent, so of two claimers exactly one wins; and a bucket's settings record (its `range`) is
 * written once, by the first component to start, and read by every later one.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import { StartupError } from './config.js';
import { isOutage, ridingOutages } from './outage.js';

/** JetStream's error code for an expected last sequence that is not the key's (the key moved). */
const WRONG_LAST_SEQUENCE = 10071;

/** True when a KV write failed because the key is no longer at the revision it expected. */
export function isWrongLastSequence(e: unknown): boolean {
  return e instanceof JetStreamApiError && e.code === WRONG_LAST_SEQUENCE;
}

/** What a create-if-absent claim found: it made the key (at `revision`), or the entry holding it. */
export type ClaimAttempt = { created: true; revision: number } | { created: false; entry: KvEntry };

/**
 * Creates `key` = `value` unless the key exists, else reads the entry that holds it. A key
 * deleted between the two is tried again, up to `attempts` times; undefined if it kept moving.
 * An outage of the bucket (isOutage) is thrown: it says nothing about the key.
 */
export async function createOrRead(kv: KV, key: string, value: string, attempts = 4): Promise<ClaimAttempt | undefined> {
  for (let i = 0; i < attempts; i++) {
    try {
      return { created: true, revision: await kv.create(key, value) };
    } catch (err) {
      // The bucket cannot answer (no leader in reach): an outage, not a taken key.
      if (isOutage(err)) throw err;
      const e = await kv.get(key);
      if (e && e.operation === 'PUT') return { created: false, entry: e };
    }
  }
  return undefined;
}

/** How long recordOnce rides out an outage of its bucket (a start while the bucket elects its leader). */
const RECORD_OUTAGE_BUDGET_MS = 60_000;

/**
 * Records `proposed` under `key` unless something is recorded already, and returns what is
 * recorded (the first writer's value), riding out an outage of the bucket for up to a minute.
 * StartupError when nothing can be read back.
 */
export async function recordOnce(kv: KV, key: string, proposed: string, what: string): Promise<string> {
  const got = await ridingOutages(() => createOrRead(kv, key, proposed), RECORD_OUTAGE_BUDGET_MS);
  if (!got) throw new StartupError(`cannot read the ${what} recorded for this cluster; retry`);
  return got.created ? proposed : got.entry.string();
}
