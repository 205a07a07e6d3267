/**
 * Proxy acknowledgements: each node's wharf-proxy puts, under its node's key in the cluster's
 * proxy bucket (history 1, outside the event log), the log sequence its routes follow and the
 * removed backends it still has connections to. It writes when either changes and every
 * interval; it deletes its key when it stops. Agents watch the bucket to send SIGTERM to a
 * terminating pod's containers only once no live proxy routes to it (see the agent's README).
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { decodeToken, encodeToken } from '@wharf/model';
import type { EventStore } from './eventstore.js';
import { ensureBucket } from './buckets.js';
import { KvFollow } from './kvfollow.js';

/** A backend as a proxy connects to it: a pod's published port on its node's address. */
export interface HostPort {
  ip: string;
  port: number;
}

/** One proxy's acknowledgement. */
export interface ProxyAck {
  node: string;
  /** The proxy process (a restart is a new instance). */
  instance: string;
  address: string;
  /** The sequence of the last Service or Endpoints event its routes were built from. */
  seq: number;
  /** Backends no route lists any more that still carry connections through this proxy. */
  draining: HostPort[];
  /** When it was written (the writer's clock; informative). */
  time: string;
  /** How often the proxy writes when nothing changes. */
  intervalMs: number;
}

/** One change of the bucket: a proxy's new acknowledgement, or its departure (`ack` undefined). */
export interface ProxyAckChange {
  node: string;
  ack?: ProxyAck;
}

/** True when `v` has the shape of a ProxyAck (a value from another writer is checked, not trusted). */
export function isProxyAck(v: unknown): v is ProxyAck {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  return (
    typeof a.node === 'string' &&
    typeof a.instance === 'string' &&
    Number.isSafeInteger(a.seq) &&
    Number.isFinite(a.intervalMs) &&
    (a.intervalMs as number) > 0 &&
    Array.isArray(a.draining) &&
    a.draining.every((d: unknown) => !!d && typeof (d as HostPort).ip === 'string' && Number.isInteger((d as HostPort).port))
  );
}

/** Reads and writes the proxy bucket. */
export class ProxyAcks {
  private constructor(readonly kv: KV) {}

  /** Opens (creating if needed) the cluster's proxy bucket. */
  static async open(store: EventStore): Promise<ProxyAcks> {
    return new ProxyAcks(await ensureBucket(store, store.subjects.proxyBucket));
  }

  /** Writes the acknowledgement of `ack.node`'s proxy. */
  async put(ack: ProxyAck): Promise<void> {
    await this.kv.put(encodeToken(ack.node), JSON.stringify(ack));
  }

  /** Deletes a node's acknowledgement (its proxy stopped). */
  async remove(node: string): Promise<void> {
    await this.kv.delete(encodeToken(node));
  }

  /**
   * Watches every proxy: first each current acknowledgement, then `undefined` to mark the end of
   * the initial list, then each change as it comes. Malformed values count as departures.
   */
  async *watch(signal?: AbortSignal): AsyncGenerator<ProxyAckChange | undefined> {
    const revision = (await this.kv.status()).streamInfo.state.last_seq;
    const keys: string[] = [];
    for await (const k of await this.kv.keys()) keys.push(k);
    for (const k of keys) {
      const e = await this.kv.get(k);
      if (e && e.operation === 'PUT') yield change(e);
    }
    yield undefined;
    const it = new KvFollow(this.kv, { after: revision });
    const stop = () => it.stop();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const e of it) yield change(e);
    } finally {
      signal?.removeEventListener('abort', stop);
      it.stop();
    }
  }
}

function change(e: KvEntry): ProxyAckChange {
  const node = decodeToken(e.key);
  if (e.operation !== 'PUT') return { node };
  let v: unknown;
  try {
    v = e.json<unknown>();
  } catch {
    return { node };
  }
  return isProxyAck(v) ? { node, ack: v } : { node };
}
