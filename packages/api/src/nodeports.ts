/**
 * The NodePort allocator: one KV key per allocated port in `wharf_<C>_nodeports`, created only
 * if absent, so two API servers can never hand out the same port. A key names the Service that
 * owns it (namespace, name, uid). A key whose owner no longer exists (a crash between claim and
 * write, or a namespace deletion) is reclaimed once it is older than a grace period.
 */
import type { KV } from '@nats-io/kv';
import { InvalidError, type Service } from '@wharf/model';
import { ensureBucket, type EventStore, isOutage, type Projection } from '@wharf/store';
import { candidatePorts, carryNodePorts, duplicateNodePorts, nodePortChanges, NODE_PORT_MAX, NODE_PORT_MIN } from './admission/nodeports.js';

/** The owner record stored under a port. */
export interface NodePortOwner {
  namespace: string;
  name: string;
  uid: string;
  /** ms since the epoch when claimed. */
  at: number;
}

/** A claim older than this whose Service does not exist is free again. */
const STALE_MS = 60_000;

const taken = (index: number, port: number) => ({ reason: 'FieldValueInvalid', field: `spec.ports[${index}].nodePort`, message: `Invalid value: ${port}: provided port is already allocated` });

/** Claims and frees NodePorts for Service writes. */
export class NodePortAllocator {
  private constructor(readonly kv: KV, readonly projection: Projection) {}

  /** Opens (creating if needed) the cluster's NodePort bucket. */
  static async open(store: EventStore, projection: Projection): Promise<NodePortAllocator> {
    const kv = await ensureBucket(store, store.subjects.nodePortBucket);
    return new NodePortAllocator(kv, projection);
  }

  #owner(s: Service): NodePortOwner {
    return { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name ?? '', uid: s.metadata.uid ?? '', at: Date.now() };
  }

  #live(o: NodePortOwner, port: number): boolean {
    const s = this.projection.get('Service', o.namespace, o.name);
    return !!s && s.metadata.uid === o.uid && (s.spec.ports ?? []).some((p) => p.nodePort === port);
  }

  /** Claims one port for `owner`; false when another live Service holds it. */
  async claim(port: number, owner: NodePortOwner): Promise<boolean> {
    const key = String(port);
    for (let i = 0; i < 4; i++) {
      try {
        await this.kv.create(key, JSON.stringify(owner));
        return true;
      } catch (err) {
        // The bucket cannot answer (no leader in reach): an outage, not a taken port.
        if (isOutage(err)) throw err;
        const e = await this.kv.get(key);
        if (!e || e.operation !== 'PUT') continue;
        const held = e.json<NodePortOwner>();
        if (held.uid === owner.uid) return true;
        if (this.#live(held, port) || Date.now() - held.at < STALE_MS) return false;
        try {
          await this.kv.update(key, JSON.stringify(owner), e.revision);
          return true;
        } catch (err) {
          if (isOutage(err)) throw err;
          // Someone else moved the key: look again.
        }
      }
    }
    return false;
  }

  /** Frees a port if `uid` still owns it. */
  async release(port: number, uid: string): Promise<void> {
    const e = await this.kv.get(String(port));
    if (!e || e.operation !== 'PUT' || e.json<NodePortOwner>().uid !== uid) return;
    await this.kv.delete(String(port), { previousSeq: e.revision }).catch(() => undefined);
  }

  /**
   * Gives `next` its nodePorts (kept from `current`, claimed as asked, or allocated) and returns
   * the ports to free after the write succeeds and the ones to free if it fails. Throws 422 when
   * an asked-for port is taken or the range is full.
   */
  async reserve(next: Service, current: Service | undefined): Promise<{ onSuccess: number[]; onFailure: number[] }> {
    carryNodePorts(next, current);
    const kind = 'Service';
    const name = next.metadata.name ?? '';
    const dups = duplicateNodePorts(next);
    if (dups.length) throw new InvalidError(kind, name, dups.map((d) => ({ reason: 'FieldValueDuplicate', field: `spec.ports[${d.index}].nodePort`, message: `Duplicate value: ${d.port}` })));
    const changes = nodePortChanges(next, current);
    const owner = this.#owner(next);
    const claimed: number[] = [];
    const undo = async () => {
      for (const p of claimed) await this.release(p, owner.uid);
    };
    try {
      for (const c of changes.claim) {
        if (!(await this.claim(c.port, owner))) throw new InvalidError(kind, name, [taken(c.index, c.port)]);
        claimed.push(c.port);
      }
      if (changes.allocate.length) {
        const inUse = new Set<number>();
        for (const s of this.projection.list('Service')) for (const p of s.spec.ports ?? []) if (p.nodePort) inUse.add(p.nodePort);
        for (const p of next.spec.ports ?? []) if (p.nodePort) inUse.add(p.nodePort);
        const candidates = candidatePorts(inUse, Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
        for (const index of changes.allocate) {
          let got: number | undefined;
          for (const port of candidates) {
            if (await this.claim(port, owner)) {
              got = port;
              break;
            }
          }
          if (got === undefined) throw new InvalidError(kind, name, [{ reason: 'FieldValueInvalid', field: `spec.ports[${index}].nodePort`, message: `Invalid value: 0: range ${NODE_PORT_MIN}-${NODE_PORT_MAX} is full` }]);
          claimed.push(got);
          next.spec.ports![index]!.nodePort = got;
        }
      }
    } catch (e) {
      await undo();
      throw e;
    }
    return { onSuccess: changes.release, onFailure: claimed };
  }
}
