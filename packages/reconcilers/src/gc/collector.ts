/**
 * The garbage collector: pod keys (is the pod's controller gone?) and controller keys (finish a
 * foreground or orphan deletion). Deletions are graceful, as the API's, so agents stop the
 * containers; every write is a compare-and-set, so any number of collectors can run.
 */
import { type Change, ConflictError, existing, getObject, isChangeOf, listObjects, mustKind, podRelease, rvOf, type State } from '@wharf/model';
import type { Logger, Objects, Projection } from '@wharf/store';
import { Controller, type ReconcileContext, type Result } from '../controller/controller.js';
import type { Shard } from '../controller/shard.js';
import { objectKey, parseKey } from '../controller/keys.js';
import { deletePod } from '../controller/podwrites.js';
import { controllerOf } from '../replication/pods.js';
import { isGarbage, planFinalize } from './plan.js';

const PodKind = mustKind('Pod');
const RCKind = mustKind('ReplicationController');

/** How to run the garbage collector. */
export interface GcOptions {
  projection: Projection;
  objects: Objects;
  log: Logger;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

function gcWatch(c: Change, state: State): string[] | undefined {
  const ns = c.object.metadata.namespace;
  if (isChangeOf(c, 'Pod')) {
    const p = c.type === 'DELETED' ? c.previous : c.object;
    const ref = p && controllerOf(p);
    if (!ref) return undefined;
    const keys = [objectKey('Pod', ns, c.object.metadata.name)];
    const owner = getObject(state, 'ReplicationController', ns, ref.name);
    if (owner?.metadata.deletionTimestamp) keys.push(objectKey('ReplicationController', ns, ref.name));
    return keys;
  }
  if (c.object.kind !== 'ReplicationController') return undefined;
  if (c.type !== 'DELETED') return c.object.metadata.deletionTimestamp ? [objectKey('ReplicationController', ns, c.object.metadata.name)] : undefined;
  const uid = c.object.metadata.uid;
  return listObjects(state, 'Pod', ns).filter((p) => controllerOf(p)?.uid === uid).map((p) => objectKey('Pod', ns, p.metadata.name));
}

function* allKeys(state: State): Iterable<string> {
  for (const p of listObjects(state, 'Pod')) if (controllerOf(p)) yield objectKey('Pod', p.metadata.namespace, p.metadata.name);
  for (const rc of listObjects(state, 'ReplicationController')) if (rc.metadata.deletionTimestamp) yield objectKey('ReplicationController', rc.metadata.namespace, rc.metadata.name);
}

/** The garbage collector. */
export class GarbageCollector {
  readonly controller: Controller;

  constructor(readonly opts: GcOptions) {
    this.controller = new Controller({ shard: opts.shard, name: 'garbage-collector', projection: opts.projection, log: opts.log, workers: 16, watches: [gcWatch], resync: allKeys, reconcile: (key, ctx) => this.reconcile(key, ctx) });
  }

  /** Starts the controller with a full resync. */
  start(): void {
    this.controller.start();
  }

  /** Stops taking keys and waits for the ones in flight. */
  async stop(): Promise<void> {
    await this.controller.stop();
  }

  /** Collects one pod, or finishes one controller's deletion. */
  async reconcile(key: string, ctx: ReconcileContext): Promise<Result | void> {
    const { kind, namespace, name } = parseKey(key);
    const { projection, objects } = this.opts;
    if (kind === 'Pod') {
      const pod = projection.get('Pod', namespace, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const ownerOf = () => projection.get('ReplicationController', namespace, controllerOf(pod)?.name ?? '');
      if (!isGarbage(pod, ownerOf())) return;
      await projection.sync();
      if (!isGarbage(pod, ownerOf())) return;
      await deletePod(objects, projection, pod, { ...ctx.write, cause: ctx.write.cause ?? rvOf(pod), reason: `owner replicationcontroller ${controllerOf(pod)!.name} is gone` });
      return;
    }
    const rc = projection.get('ReplicationController', namespace, name);
    if (!rc) return;
    const plan = planFinalize(rc, projection.list('Pod', namespace));
    if (!plan) return;
    const write = { ...ctx.write, cause: ctx.write.cause ?? rvOf(rc) };
    for (const p of plan.release) {
      const release = existing(PodKind, p.metadata.name, (cur) => podRelease(cur, p.metadata.uid, rc.metadata.uid));
      await objects.change(PodKind, namespace, p.metadata.name, release, { ...write, reason: `orphaned: replicationcontroller ${name} deleted with propagationPolicy=Orphan` }).catch(() => undefined);
    }
    for (const p of plan.delete) await deletePod(objects, projection, p, { ...write, reason: `foreground deletion of replicationcontroller ${name}` }).catch(() => undefined);
    if (!plan.remove) return { requeueAfter: 1000 };
    try {
      await objects.remove(RCKind, { ...rc, metadata: { ...rc.metadata, finalizers: [] } }, rvOf(rc), { ...write, reason: 'dependents handled' });
    } catch (e) {
      // The API (orphan) or a status write got there first: look again.
      if (e instanceof ConflictError) return { retry: true };
      throw e;
    }
  }
}
