/**
 * The nodes' pod CIDR claims: one key per claimed subnet in `wharf_<C>_podcidrs` (the subnet with
 * `/` as `_`), whose value is the node's name, created only if absent, so two reconcilers can never
 * hand out one subnet. The `range` key records the cluster CIDR and node mask the first time a
 * nodeipam reconciler starts; every later one must agree with it. wharf-api makes the bucket (as
 * every bucket) and reads the record for /cluster-info; nodes have no access to it.
 */
import type { KV } from '@nats-io/kv';
import { podCIDRKey, subnetOfKey } from '@wharf/model';
import { ensureBucket } from './buckets.js';
import type { EventStore } from './eventstore.js';
import { createOrRead, isWrongLastSequence, recordOnce } from './kvclaims.js';

/** One claimed subnet, the node that holds it, and the bucket revision that wrote the claim. */
export interface PodCIDRClaim {
  subnet: string;
  node: string;
  revision: number;
}

/** The cluster CIDR and node mask size recorded for a cluster. */
export interface RecordedNodeCidrs {
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
}

/** The key of the range record. */
export const POD_CIDR_RANGE_KEY = 'range';

/** Claims, re-affirms and frees pod CIDRs in the cluster's bucket. */
export class PodCIDRClaims {
  constructor(readonly kv: KV) {}

  /** Opens the bucket, creating it when this component may (wharf-api at start; a development cluster's reconcilers). */
  static async open(store: EventStore, replicas?: number): Promise<PodCIDRClaims> {
    return new PodCIDRClaims(await ensureBucket(store, store.subjects.podCIDRBucket, { history: 1, ...(replicas ? { replicas } : {}) }));
  }

  /** Records `proposed` unless the cluster has a range already; returns the recorded one. */
  async recordRange(proposed: RecordedNodeCidrs): Promise<RecordedNodeCidrs> {
    return JSON.parse(await recordOnce(this.kv, POD_CIDR_RANGE_KEY, JSON.stringify(proposed), 'pod network range')) as RecordedNodeCidrs;
  }

  /** The recorded range, if one is. */
  async recordedRange(): Promise<RecordedNodeCidrs | undefined> {
    const e = await this.kv.get(POD_CIDR_RANGE_KEY);
    return e?.operation === 'PUT' ? e.json<RecordedNodeCidrs>() : undefined;
  }

  /**
   * Claims `subnet` for `node`: creates its key, or, when the node holds it already, writes it
   * again, so that a release decided on the old revision fails. Returns the claim; undefined when
   * another node holds the subnet.
   */
  async claim(subnet: string, node: string): Promise<PodCIDRClaim | undefined> {
    const key = podCIDRKey(subnet);
    for (let i = 0; i < 4; i++) {
      const got = await createOrRead(this.kv, key, node, 1);
      if (!got) continue;
      if (got.created) return { subnet, node, revision: got.revision };
      if (got.entry.string() !== node) return undefined;
      try {
        return { subnet, node, revision: await this.kv.update(key, node, got.entry.revision) };
      } catch {
        // Someone moved the key meanwhile: look again.
      }
    }
    return undefined;
  }

  /** The claim of `subnet` as stored now, if any. */
  async get(subnet: string): Promise<PodCIDRClaim | undefined> {
    const e = await this.kv.get(podCIDRKey(subnet));
    return e?.operation === 'PUT' ? { subnet, node: e.string(), revision: e.revision } : undefined;
  }

  /** Every claim as stored now. */
  async list(): Promise<PodCIDRClaim[]> {
    const out: PodCIDRClaim[] = [];
    for await (const key of await this.kv.keys()) {
      const subnet = subnetOfKey(key);
      const c = subnet === undefined ? undefined : await this.get(subnet);
      if (c) out.push(c);
    }
    return out;
  }

  /** Frees a claim if it is still the one at `claim.revision`; false when it moved (claimed again, or freed). */
  async release(claim: PodCIDRClaim): Promise<boolean> {
    try {
      await this.kv.delete(podCIDRKey(claim.subnet), { previousSeq: claim.revision });
      return true;
    } catch (e) {
      if (isWrongLastSequence(e)) return false;
      throw e;
    }
  }
}
