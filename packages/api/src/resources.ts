/**
 * The operations behind the REST routes: create, get, list, replace, patch and delete of any
 * kind, on the shared write path (Objects) and the in-memory projection. No HTTP in here.
 */
import { BadRequestError, ConflictError, type Decision, existing, type FieldValidation, ForbiddenError, getObject, isKind, type KindInfo, type KObject, listObjects, matchesFields, matchesLabels, NotFoundError, parseFieldSelector, parseLabelSelector, parsePoint, rvOf, type State } from '@wharf/model';
import { generatedName, type Objects, type Projection, taggedUid, type TimeTravel, type WriteContext } from '@wharf/store';
import { prepareCreate, prepareStatus, prepareUpdate } from './admission/prepare.js';
import { sameObject, updateEventType } from './admission/eventtype.js';
import { applyPatch } from './patch.js';
import type { PatchType } from './http/body.js';
import { deleteObject, type DeleteOptions } from './admission/delete.js';
import { heldNodePorts } from './admission/nodeports.js';
import type { NodePortAllocator } from './nodeports.js';
import { heldClusterIP } from './admission/clusterip.js';
import { staleRead } from './http/staleread.js';
import type { ClusterIPAllocator } from './clusterips.js';

/** Options shared by writes. */
export interface WriteOptions {
  actor: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
  /** The request's idempotency key (http/idempotency.ts): a retry is answered with what the first send stored. */
  request?: string | undefined;
}

/** The write context of a request's writes. */
function contextOf(o: WriteOptions): WriteContext {
  return o.request ? { actor: o.actor, request: o.request } : { actor: o.actor };
}

/** Filters of a list or watch. */
export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** A past revision or time (`?at=`): list the state as it was then. */
  at?: string | undefined;
}

/** A compiled list filter. */
export type ObjectFilter = (o: KObject) => boolean;

/** Compiles label and field selectors into one predicate; throws 400 on bad syntax. */
export function compileFilter(info: KindInfo, opts: ListOptions): ObjectFilter {
  const labels = parseLabelSelector(opts.labelSelector);
  const fields = parseFieldSelector(info.kind, opts.fieldSelector);
  if (!labels.length && !fields.length) return () => true;
  return (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
}

/** Resource operations for the API routes. */
export class Resources {
  readonly nodePorts: NodePortAllocator | undefined;
  readonly clusterIPs: ClusterIPAllocator | undefined;
  readonly timeTravel: TimeTravel | undefined;

  constructor(readonly objects: Objects, readonly projection: Projection, opts: { nodePorts?: NodePortAllocator; clusterIPs?: ClusterIPAllocator; timeTravel?: TimeTravel } = {}) {
    this.nodePorts = opts.nodePorts;
    this.clusterIPs = opts.clusterIPs;
    this.timeTravel = opts.timeTravel;
  }

  /**
   * Runs a Service write with its ClusterIP and NodePorts reserved: what the write frees goes after
   * it succeeds, what was claimed for it goes if it fails (or if a later reservation does), or if
   * `stored` says the result is not `next` (a retried create answered with the object its first
   * send made).
   */
  async #withAllocations<T>(info: KindInfo, next: KObject, current: KObject | undefined, write: () => Promise<T>, stored: (result: T) => boolean = () => true): Promise<T> {
    if (!isKind(next, 'Service') || (current && !isKind(current, 'Service'))) return write();
    const uid = next.metadata.uid ?? '';
    const ips = this.clusterIPs ? await this.clusterIPs.reserve(next, current) : { onSuccess: [], onFailure: [] };
    const undoIPs = async () => {
      for (const ip of ips.onFailure) await this.clusterIPs!.release(ip, uid);
    };
    let ports: { onSuccess: number[]; onFailure: number[] } = { onSuccess: [], onFailure: [] };
    let result: T;
    try {
      if (this.nodePorts) ports = await this.nodePorts.reserve(next, current);
      result = await write();
    } catch (e) {
      for (const p of ports.onFailure) await this.nodePorts!.release(p, uid);
      await undoIPs();
      throw e;
    }
    if (!stored(result)) {
      for (const p of ports.onFailure) await this.nodePorts!.release(p, uid);
      await undoIPs();
      return result;
    }
    for (const p of ports.onSuccess) await this.nodePorts!.release(p, uid);
    for (const ip of ips.onSuccess) await this.clusterIPs!.release(ip, uid);
    return result;
  }

  /**
   * The state to read: the live one (synced), or the one at `at` (400 on a bad point, 410 past the
   * retained history). When the log cannot be reached the local state is served with a warning (staleRead).
   */
  async #state(at: string | undefined): Promise<{ state: State; warnings: string[] }> {
    if (at !== undefined && at !== '') {
      if (!this.timeTravel) throw new BadRequestError('time travel (?at=) is not available on this server');
      return { state: await this.timeTravel.stateAt(parsePoint(at)), warnings: [] };
    }
    try {
      await this.projection.sync();
    } catch (e) {
      const state = this.projection.state;
      const warning = staleRead(e, state.seq);
      if (!warning) throw e;
      return { state, warnings: [warning] };
    }
    return { state: this.projection.state, warnings: [] };
  }

  /** The namespace must exist; a miss is checked again against the log's latest state. */
  async #mustNamespace(info: KindInfo, ns: string | undefined): Promise<void> {
    if (!info.namespaced) return;
    if (ns && !this.projection.get('Namespace', undefined, ns)) await this.projection.sync();
    const n = ns ? this.projection.get('Namespace', undefined, ns) : undefined;
    if (!n) throw new NotFoundError('namespaces', ns ?? '');
    if (n.metadata.deletionTimestamp) throw new ForbiddenError(`${info.resource} "${String((n as KObject).metadata.name)}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /**
   * Creates an object; 404 when its namespace is missing, 409 when the name is taken (but not by
   * the object an earlier send of this request made: that one is the answer). With a request key,
   * the uid carries the key's tag (taggedUid), and a generated name comes from the key.
   */
  async create(info: KindInfo, ns: string | undefined, body: Record<string, unknown>, o: WriteOptions): Promise<{ object: KObject; warnings: string[] }> {
    const md = body.metadata as { name?: unknown; generateName?: unknown } | undefined;
    if (o.request && md && !md.name && typeof md.generateName === 'string' && md.generateName) md.name = generatedName(md.generateName, o.request);
    const { object, warnings } = prepareCreate(info, body, ns, o.fieldValidation);
    if (o.request) object.metadata.uid = taggedUid(o.request);
    // No sync needed: the append itself checks that the name is free in the log.
    await this.#mustNamespace(info, ns);
    if (o.dryRun) return { object, warnings };
    const write = () => this.objects.create(info, object, contextOf(o));
    return { object: await this.#withAllocations(info, object, undefined, write, (r) => r.metadata.uid === object.metadata.uid), warnings };
  }

  /** The current object (or the one at `at`), with the read's warnings (a stale read's); 404 when missing. */
  async get(info: KindInfo, ns: string | undefined, name: string, at?: string): Promise<{ object: KObject; warnings: string[] }> {
    const { state, warnings } = await this.#state(at);
    const object = getObject(state, info.kind, ns, name);
    if (!object) throw new NotFoundError(info.resource, name);
    return { object, warnings };
  }

  /** Objects of a kind (in one namespace or all), filtered, with the state's resourceVersion and the read's warnings. */
  async list(info: KindInfo, ns: string | undefined, opts: ListOptions): Promise<{ items: KObject[]; resourceVersion: number; warnings: string[] }> {
    const filter = compileFilter(info, opts);
    const { state, warnings } = await this.#state(opts.at);
    const items = listObjects(state, info.kind, info.namespaced ? ns : undefined).filter(filter);
    return { items, resourceVersion: state.seq, warnings };
  }

  /** Replaces an object (PUT). A resourceVersion in the body pins it (409 when stale); without one it applies to the latest version. */
  async replace(info: KindInfo, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions): Promise<{ object: KObject; warnings: string[] }> {
    const pinned = pinnedVersion(body);
    await this.projection.sync();
    if (o.dryRun) {
      const { object, warnings } = replacement(info, body, this.#current(info, ns, name), o);
      return { object, warnings };
    }
    let warnings: string[] = [];
    const decide = (current: KObject): Decision | undefined => {
      const r = replacement(info, body, current, o);
      warnings = r.warnings;
      return r.decision;
    };
    return { object: (await this.#change(info, ns, name, decide, o, () => pinned))!, warnings };
  }

  /** Replaces only the status (PUT .../status). */
  async replaceStatus(info: KindInfo, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions): Promise<KObject> {
    await this.projection.sync();
    if (o.dryRun) return statusReplacement(info, body, this.#current(info, ns, name), o).object;
    const rv = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    return (await this.#change(info, ns, name, (current) => statusReplacement(info, body, current, o).decision, o, () => (rv ? Number(rv) : undefined)))!;
  }

  /** Applies a patch to the object or its status; a resourceVersion the patch sets pins it. */
  async patch(info: KindInfo, ns: string | undefined, name: string, type: PatchType, patch: unknown, o: WriteOptions, subresource?: 'status'): Promise<KObject> {
    await this.projection.sync();
    let pinned: number | undefined;
    const patched = (current: KObject) => {
      const p = applyPatch(type, structuredClone(current), patch) as Record<string, unknown>;
      if (typeof p !== 'object' || p === null) throw new BadRequestError('the patch did not produce an object');
      const md = (p.metadata ?? {}) as { resourceVersion?: string };
      // A patch that names a resourceVersion is a precondition; without one it applies to the current.
      if (md.resourceVersion !== undefined && md.resourceVersion !== current.metadata.resourceVersion) {
        pinned = Number(md.resourceVersion);
        throw new ConflictError(info.resource, name);
      }
      return subresource === 'status' ? statusReplacement(info, p, current, o) : replacement(info, p, current, o);
    };
    if (o.dryRun) return patched(this.#current(info, ns, name)).object;
    return (await this.#change(info, ns, name, (current) => patched(current).decision, o, () => pinned))!;
  }

  /** The object as the projection shows it; 404 when missing. */
  #current(info: KindInfo, ns: string | undefined, name: string): KObject {
    const current = this.projection.get(info.kind, ns, name);
    if (!current) throw new NotFoundError(info.resource, name);
    return current;
  }

  /**
   * A change of an existing object on the write path, with the ClusterIP and NodePorts its Service
   * versions claim reserved. A Conflict of a request pinned to a resourceVersion (`pinned`, read
   * once the decision ran) is looked up first: when the version after the pinned one is this
   * request's own write (an earlier send of it landed), that is the answer.
   */
  async #change(info: KindInfo, ns: string | undefined, name: string, decide: (current: KObject) => Decision | undefined, o: WriteOptions, pinned: () => number | undefined = () => undefined): Promise<KObject | undefined> {
    try {
      return await this.objects.change(info, ns, name, existing(info, name, decide), contextOf(o), {
        around: (current, next, append) => this.#withAllocations(info, next, current, append),
      });
    } catch (e) {
      const rv = pinned();
      if (!(e instanceof ConflictError) || !o.request || !(rv! > 0)) throw e;
      const own = await this.objects.recall(info, ns, name, rv!, o.request);
      if (!own) throw e;
      return own;
    }
  }

  /** Deletes an object (gracefully for running pods); returns the object as the deletion left it. */
  async delete(info: KindInfo, ns: string | undefined, name: string, opts: DeleteOptions, o: WriteOptions): Promise<KObject> {
    await this.projection.sync();
    const gone = await deleteObject(this.objects, this.projection, info, ns, name, opts, o.actor, o.dryRun);
    if (isKind(gone, 'Service') && !o.dryRun && !this.projection.get(info.kind, ns, name)) {
      for (const p of this.nodePorts ? heldNodePorts(gone) : []) await this.nodePorts!.release(p, gone.metadata.uid ?? '');
      const ip = heldClusterIP(gone);
      if (ip && this.clusterIPs) await this.clusterIPs.release(ip, gone.metadata.uid ?? '');
    }
    return gone;
  }
}

/** The resourceVersion a body names, as a number (undefined: none); 400 when it is not one. */
function pinnedVersion(body: Record<string, unknown>): number | undefined {
  const rv = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  if (rv === undefined) return undefined;
  const n = Number(rv);
  if (!(n > 0)) throw new BadRequestError(`invalid resourceVersion "${rv}"`);
  return n;
}

/** What a write onto `current` stores (admission): the object, and the decision to write it (none when nothing changes). */
interface Replacement {
  object: KObject;
  decision: Decision | undefined;
  warnings: string[];
}

/** What a PUT of `body` onto `current` stores; 409 when the body pins another version. */
function replacement(info: KindInfo, body: Record<string, unknown>, current: KObject, o: WriteOptions): Replacement {
  const wanted = pinnedVersion(body);
  if (wanted !== undefined && wanted !== rvOf(current)) throw new ConflictError(info.resource, current.metadata.name);
  const { object, warnings } = prepareUpdate(info, structuredClone(body), current, o.fieldValidation);
  return { object, decision: sameObject(object, current) ? undefined : { object, type: updateEventType(info, current, object) }, warnings };
}

/** What a PUT of `body` onto the status of `current` stores; 409 when the body pins another version. */
function statusReplacement(info: KindInfo, body: Record<string, unknown>, current: KObject, o: WriteOptions): Replacement {
  const md = (body.metadata ?? {}) as { resourceVersion?: string };
  if (md.resourceVersion && Number(md.resourceVersion) !== rvOf(current)) throw new ConflictError(info.resource, current.metadata.name);
  const object = prepareStatus(info, structuredClone(body), current, o.fieldValidation);
  return { object, decision: sameObject(object, current) ? undefined : { object, type: `${info.kind}StatusUpdated` }, warnings: [] };
}
