/**
 * The operations behind the REST routes: create, get, list, replace, patch and delete of any
 * kind, on the shared write path (Objects) and the in-memory projection. No HTTP in here.
 */
import { BadRequestError, ConflictError, type FieldValidation, ForbiddenError, getObject, type KindInfo, type KObject, listObjects, matchesFields, matchesLabels, NotFoundError, parseFieldSelector, parseLabelSelector, parsePoint, rvOf, type Service, type State } from '@wharf/model';
import type { Objects, Projection, TimeTravel } from '@wharf/store';
import { prepareCreate, prepareStatus, prepareUpdate } from './admission/prepare.js';
import { sameObject, updateEventType } from './admission/eventtype.js';
import { applyPatch } from './patch.js';
import type { PatchType } from './http/body.js';
import { deleteObject, type DeleteOptions } from './admission/delete.js';
import { heldNodePorts } from './admission/nodeports.js';
import type { NodePortAllocator } from './nodeports.js';

/** Options shared by writes. */
export interface WriteOptions {
  actor: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
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
  readonly timeTravel: TimeTravel | undefined;

  constructor(readonly objects: Objects, readonly projection: Projection, opts: { nodePorts?: NodePortAllocator; timeTravel?: TimeTravel } = {}) {
    this.nodePorts = opts.nodePorts;
    this.timeTravel = opts.timeTravel;
  }

  /** Runs a Service write with its NodePorts reserved: freed ones go after success, claimed ones after failure. */
  async #withNodePorts<T>(info: KindInfo, next: KObject, current: KObject | undefined, write: () => Promise<T>): Promise<T> {
    if (info.kind !== 'Service' || !this.nodePorts) return write();
    const r = await this.nodePorts.reserve(next as unknown as Service, current as unknown as Service | undefined);
    let result: T;
    try {
      result = await write();
    } catch (e) {
      for (const p of r.onFailure) await this.nodePorts.release(p, next.metadata.uid ?? '');
      throw e;
    }
    for (const p of r.onSuccess) await this.nodePorts.release(p, next.metadata.uid ?? '');
    return result;
  }

  /** The state to read: the live one (synced), or the one at `at` (400 on a bad point, 410 past the retained history). */
  async #state(at: string | undefined): Promise<State> {
    if (at !== undefined && at !== '') {
      if (!this.timeTravel) throw new BadRequestError('time travel (?at=) is not available on this server');
      return this.timeTravel.stateAt(parsePoint(at));
    }
    await this.projection.sync();
    return this.projection.state;
  }

  /** The namespace must exist; a miss is checked again against the log's latest state. */
  async #mustNamespace(info: KindInfo, ns: string | undefined): Promise<void> {
    if (!info.namespaced) return;
    if (ns && !this.projection.get('Namespace', undefined, ns)) await this.projection.sync();
    const n = ns ? this.projection.get('Namespace', undefined, ns) : undefined;
    if (!n) throw new NotFoundError('namespaces', ns ?? '');
    if (n.metadata.deletionTimestamp) throw new ForbiddenError(`${info.resource} "${String((n as KObject).metadata.name)}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /** Creates an object; 404 when its namespace is missing, 409 when the name is taken. */
  async create(info: KindInfo, ns: string | undefined, body: Record<string, unknown>, o: WriteOptions): Promise<{ object: KObject; warnings: string[] }> {
    const { object, warnings } = prepareCreate(info, body, ns, o.fieldValidation);
    // No sync needed: the append itself checks that the name is free in the log.
    await this.#mustNamespace(info, ns);
    if (o.dryRun) return { object, warnings };
    return { object: await this.#withNodePorts(info, object, undefined, () => this.objects.create(info, object, { actor: o.actor })), warnings };
  }

  /** The current object (or the one at `at`); 404 when missing. */
  async get(info: KindInfo, ns: string | undefined, name: string, at?: string): Promise<KObject> {
    const obj = getObject(await this.#state(at), info.kind, ns, name);
    if (!obj) throw new NotFoundError(info.resource, name);
    return obj;
  }

  /** Objects of a kind (in one namespace or all), filtered, with the state's resourceVersion. */
  async list(info: KindInfo, ns: string | undefined, opts: ListOptions): Promise<{ items: KObject[]; resourceVersion: number }> {
    const filter = compileFilter(info, opts);
    const state = await this.#state(opts.at);
    const items = listObjects(state, info.kind, info.namespaced ? ns : undefined).filter(filter);
    return { items, resourceVersion: state.seq };
  }

  /** Replaces an object (PUT). A stale resourceVersion in the body gets 409. */
  async replace(info: KindInfo, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions): Promise<{ object: KObject; warnings: string[] }> {
    const md = (body.metadata ?? {}) as { resourceVersion?: string };
    const wanted = md.resourceVersion ? Number(md.resourceVersion) : undefined;
    if (md.resourceVersion !== undefined && !(wanted! > 0)) throw new BadRequestError(`invalid resourceVersion "${md.resourceVersion}"`);
    await this.projection.sync();
    for (let attempt = 0; ; attempt++) {
      const current = this.projection.get(info.kind, ns, name);
      if (!current) throw new NotFoundError(info.resource, name);
      if (wanted !== undefined && wanted !== rvOf(current)) throw new ConflictError(info.resource, name);
      const { object, warnings } = prepareUpdate(info, structuredClone(body), current, o.fieldValidation);
      if (sameObject(object, current) || o.dryRun) return { object: o.dryRun ? object : current, warnings };
      try {
        const stored = await this.#withNodePorts(info, object, current, () => this.objects.update(info, object, rvOf(current), updateEventType(info, current, object), { actor: o.actor }));
        return { object: stored, warnings };
      } catch (e) {
        // Without a resourceVersion the update is unconditional: retry on the newer version.
        if (!(e instanceof ConflictError) || wanted !== undefined || attempt > 5) throw e;
        await this.projection.sync();
      }
    }
  }

  /** Replaces only the status (PUT .../status). */
  async replaceStatus(info: KindInfo, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions): Promise<KObject> {
    await this.projection.sync();
    const current = this.projection.get(info.kind, ns, name);
    if (!current) throw new NotFoundError(info.resource, name);
    const md = (body.metadata ?? {}) as { resourceVersion?: string };
    if (md.resourceVersion && Number(md.resourceVersion) !== rvOf(current)) throw new ConflictError(info.resource, name);
    const object = prepareStatus(info, body, current, o.fieldValidation);
    if (sameObject(object, current) || o.dryRun) return o.dryRun ? object : current;
    return this.objects.update(info, object, rvOf(current), `${info.kind}StatusUpdated`, { actor: o.actor });
  }

  /** Applies a patch to the object or its status, retrying on concurrent writes. */
  async patch(info: KindInfo, ns: string | undefined, name: string, type: PatchType, patch: unknown, o: WriteOptions, subresource?: 'status'): Promise<KObject> {
    await this.projection.sync();
    for (let attempt = 0; ; attempt++) {
      const current = this.projection.get(info.kind, ns, name);
      if (!current) throw new NotFoundError(info.resource, name);
      const patched = applyPatch(type, structuredClone(current), patch) as Record<string, unknown>;
      if (typeof patched !== 'object' || patched === null) throw new BadRequestError('the patch did not produce an object');
      const md = (patched.metadata ?? {}) as { resourceVersion?: string };
      // A patch that names a resourceVersion is a precondition; without one we use the current.
      const pinned = md.resourceVersion !== undefined && md.resourceVersion !== current.metadata.resourceVersion;
      if (pinned) throw new ConflictError(info.resource, name);
      try {
        if (subresource === 'status') return await this.replaceStatus(info, ns, name, patched, o);
        return (await this.replace(info, ns, name, patched, o)).object;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt > 5) throw e;
        await this.projection.sync();
      }
    }
  }

  /** Deletes an object (gracefully for running pods); returns the object as the deletion left it. */
  async delete(info: KindInfo, ns: string | undefined, name: string, opts: DeleteOptions, o: WriteOptions): Promise<KObject> {
    await this.projection.sync();
    const gone = await deleteObject(this.objects, this.projection, info, ns, name, opts, o.actor, o.dryRun);
    if (info.kind === 'Service' && this.nodePorts && !o.dryRun && !this.projection.get(info.kind, ns, name)) {
      for (const p of heldNodePorts(gone as unknown as Service)) await this.nodePorts.release(p, gone.metadata.uid ?? '');
    }
    return gone;
  }
}
