/**
 * The ClusterIP allocator: one KV key per allocated IP in `wharf_<C>_clusterips`, created only if
 * absent, so two API servers can never hand out the same IP. A key names the Service that owns it
 * (namespace, name, uid); one whose owner no longer holds the IP (a crash between claim and write,
 * a namespace deletion) is reclaimed once older than a grace period. The bucket's `range` key
 * records the cluster's service range the first time an API server starts, and every later API
 * server must agree with it.
 */
import type { KV } from '@nats-io/kv';
import { formatIpv4Cidr, InternalError, InvalidError, type Ipv4Cidr, type Service } from '@wharf/model';
import { createOrRead, ensureBucket, type EventStore, isOutage, type Projection, recordOnce, StartupError } from '@wharf/store';
import { candidateIPs, clusterIPChange, heldClusterIP, parseServiceCidr, requestedIPCause } from './admission/clusterip.js';

/** The owner record stored under an IP. */
export interface ClusterIPOwner {
  namespace: string;
  name: string;
  uid: string;
  /** ms since the epoch when claimed. */
  at: number;
}

/** 500, as kube-apiserver answers: no address of the service range is free. */
export class ServiceRangeFullError extends InternalError {
  constructor() {
    super('Internal error occurred: failed to allocate a serviceIP: range is full');
  }
}

/** The key under which the bucket records the cluster's service range. */
export const RANGE_KEY = 'range';
/** A claim older than this whose Service does not hold the IP is free again. */
const STALE_MS = 60_000;

const taken = (ip: string) => ({ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: `Invalid value: "${ip}": provided IP is already allocated` });

/** What a reservation asks of the write path: IPs to free once the write is stored, or if it fails. */
export interface ClusterIPReservation {
  onSuccess: string[];
  onFailure: string[];
}

/** How ClusterIPAllocator.open settles the service range. */
export interface ClusterIPOptions {
  /** The range the flag asked for, if any. */
  wanted?: string | undefined;
  /** The range of a new cluster when no flag asked. */
  fallback: string;
  /** Throws (StartupError) when this machine cannot use the range, e.g. it overlaps its networks. */
  check?: ((range: Ipv4Cidr) => void) | undefined;
}

/** Claims and frees ClusterIPs for Service writes. */
export class ClusterIPAllocator {
  private constructor(
    readonly kv: KV,
    readonly projection: Projection,
    readonly range: Ipv4Cidr,
  ) {}

  /**
   * Opens (creating if needed) the cluster's ClusterIP bucket and settles the range: `wanted`
   * (the flag, if given) is recorded when the cluster has none yet and must equal the recorded one
   * otherwise (StartupError); without it the recorded range, else `fallback`, applies.
   */
  static async open(store: EventStore, projection: Projection, o: ClusterIPOptions): Promise<ClusterIPAllocator> {
    const check = o.check ?? (() => undefined);
    const kv = await ensureBucket(store, store.subjects.clusterIPBucket);
    const proposedRange = parseServiceCidr(o.wanted ?? o.fallback);
    if (o.wanted !== undefined) check(proposedRange);
    const proposed = formatIpv4Cidr(proposedRange);
    const recorded = await recordOnce(kv, RANGE_KEY, proposed, 'service range');
    if (o.wanted !== undefined && recorded !== proposed) {
      throw new StartupError(`--service-cluster-ip-range ${proposed} differs from this cluster's service range ${recorded} (recorded by its first API server): every API server must use ${recorded}`);
    }
    const range = parseServiceCidr(recorded);
    check(range);
    return new ClusterIPAllocator(kv, projection, range);
  }

  #owner(s: Service): ClusterIPOwner {
    return { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name ?? '', uid: s.metadata.uid ?? '', at: Date.now() };
  }

  #live(o: ClusterIPOwner, ip: string): boolean {
    const s = this.projection.get('Service', o.namespace, o.name);
    return !!s && s.metadata.uid === o.uid && heldClusterIP(s) === ip;
  }

  /** Claims one IP for `owner`; false when another live Service holds it. */
  async claim(ip: string, owner: ClusterIPOwner): Promise<boolean> {
    for (let i = 0; i < 4; i++) {
      const got = await createOrRead(this.kv, ip, JSON.stringify(owner), 1);
      if (!got) continue;
      if (got.created) return true;
      const held = got.entry.json<ClusterIPOwner>();
      if (held.uid === owner.uid) return true;
      if (this.#live(held, ip) || Date.now() - held.at < STALE_MS) return false;
      try {
        await this.kv.update(ip, JSON.stringify(owner), got.entry.revision);
        return true;
      } catch (e) {
        // An outage is no answer: the write fails with 503 rather than move on to another value.
        if (isOutage(e)) throw e;
        // Someone else moved the key: look again.
      }
    }
    return false;
  }

  /** Frees an IP if `uid` still owns it. */
  async release(ip: string, uid: string): Promise<void> {
    const e = await this.kv.get(ip).catch(() => null);
    if (!e || e.operation !== 'PUT' || e.json<ClusterIPOwner>().uid !== uid) return;
    await this.kv.delete(ip, { previousSeq: e.revision }).catch(() => undefined);
  }

  /**
   * Gives `next` its cluster IP (kept from `current`, claimed as asked, or allocated; none when
   * headless) and mirrors it into clusterIPs. Returns the IP to free after the write succeeds and
   * the one to free if it fails. Throws 422 for an IP out of range or taken, 500 when the range is full.
   */
  async reserve(next: Service, current: Service | undefined): Promise<ClusterIPReservation> {
    const change = clusterIPChange(next, current);
    const name = next.metadata.name ?? '';
    const owner = this.#owner(next);
    let got: string | undefined;
    if (change.claim !== undefined) {
      const cause = requestedIPCause(this.range, change.claim, next);
      if (cause) throw new InvalidError('Service', name, [cause]);
      if (!(await this.claim(change.claim, owner))) throw new InvalidError('Service', name, [taken(change.claim)]);
      got = change.claim;
    } else if (change.allocate) {
      const inUse = new Set<string>();
      for (const s of this.projection.list('Service')) {
        const ip = heldClusterIP(s);
        if (ip) inUse.add(ip);
      }
      for (const ip of candidateIPs(this.range, inUse, Math.random() * 2 ** (32 - this.range.prefix))) {
        if (await this.claim(ip, owner)) {
          got = ip;
          break;
        }
      }
      if (got === undefined) throw new ServiceRangeFullError();
      next.spec.clusterIP = got;
    }
    if (next.spec.clusterIP) next.spec.clusterIPs = [next.spec.clusterIP];
    return { onSuccess: change.release ? [change.release] : [], onFailure: got ? [got] : [] };
  }
}
