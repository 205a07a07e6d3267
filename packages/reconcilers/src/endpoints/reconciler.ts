/**
 * The endpoint controller's reconciler: one key per Service name. Service changes enqueue their own
 * key; pod changes enqueue every Service of the pod's namespace that selects the pod before or
 * after the change; changes of managed Endpoints enqueue their Service (to repair edits). The
 * reconcile reads the Service, its Endpoints and the namespace's pods from the projection, asks
 * `planEndpoints`, and applies the plan with a compare-and-set write.
 */
import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, type Change, ConflictError, isChangeOf, listObjects, mustKind, NotFoundError, rvOf, type State } from '@wharf/model';
import type { Logger, Objects, Projection } from '@wharf/store';
import { Controller, type ReconcileContext, type Result } from '../controller/controller.js';
import type { Shard } from '../controller/shard.js';
import { objectKey, parseKey } from '../controller/keys.js';
import { serviceSelects } from './decide.js';
import { CONTROLLER, MANAGED_BY, planEndpoints } from './plan.js';

const EndpointsKind = mustKind('Endpoints');

/** How to run the endpoint controller. */
export interface EndpointsOptions {
  projection: Projection;
  objects: Objects;
  log: Logger;
  workers?: number;
  /** Which keys this instance reconciles when several instances share the work. */
  shard?: Shard;
}

/** The keys (Service names) a change of the projection concerns. */
export function endpointsWatch(c: Change, state: State): string[] {
  const o = c.object;
  const ns = o.metadata.namespace;
  if (o.kind === 'Service') return [objectKey('Service', ns, o.metadata.name)];
  if (o.kind === 'Endpoints') {
    const managed = (x: typeof o | undefined) => x?.metadata.annotations?.[MANAGED_BY] === CONTROLLER;
    return managed(o) || managed(c.previous) ? [objectKey('Service', ns, o.metadata.name)] : [];
  }
  if (!isChangeOf(c, 'Pod')) return [];
  const { object: pod, previous } = c;
  const keys: string[] = [];
  for (const svc of listObjects(state, 'Service', ns ?? 'default')) {
    if (serviceSelects(svc, pod) || (previous && serviceSelects(svc, previous))) keys.push(objectKey('Service', ns, svc.metadata.name));
  }
  return keys;
}

/** The endpoint controller. */
export class EndpointsReconciler {
  readonly controller: Controller;

  constructor(readonly opts: EndpointsOptions) {
    this.controller = new Controller({
      shard: opts.shard,
      name: 'endpoint-controller',
      projection: opts.projection,
      log: opts.log,
      workers: opts.workers ?? 2,
      watches: [endpointsWatch],
      resync: (state) => resyncKeys(state),
      reconcile: (key, ctx) => this.reconcile(key, ctx),
    });
  }

  /** Starts the controller with a full resync. */
  start(): void {
    this.controller.start();
  }

  /** Stops the controller. */
  stop(): Promise<void> {
    return this.controller.stop();
  }

  /** Makes the Endpoints of one Service match its ready pods. */
  async reconcile(key: string, ctx: ReconcileContext): Promise<Result | void> {
    const { namespace, name } = parseKey(key);
    const { projection, objects } = this.opts;
    const svc = projection.get('Service', namespace, name);
    const current = projection.get('Endpoints', namespace, name);
    const pods = svc ? projection.list('Pod', namespace) : [];
    const plan = planEndpoints(svc, current, pods, { now: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), uid: randomUUID() });
    if (plan.action === 'none') return;
    const write = { ...ctx.write, reason: plan.reason };
    try {
      if (plan.action === 'create') await objects.create(EndpointsKind, plan.endpoints, write, 'EndpointsCreated');
      else if (plan.action === 'update') await objects.update(EndpointsKind, plan.endpoints, rvOf(current), 'EndpointsUpdated', write);
      else await objects.remove(EndpointsKind, plan.endpoints, rvOf(current), write, 'EndpointsDeleted');
      ctx.log.debug({ action: plan.action, reason: plan.reason }, 'endpoints written');
    } catch (e) {
      // Someone else wrote first: look again at the newer state.
      if (e instanceof ConflictError || e instanceof AlreadyExistsError || e instanceof NotFoundError) {
        await projection.sync();
        return { retry: true };
      }
      throw e;
    }
  }
}

function* resyncKeys(state: State): Iterable<string> {
  for (const svc of listObjects(state, 'Service')) yield objectKey('Service', svc.metadata.namespace, svc.metadata.name);
  for (const ep of listObjects(state, 'Endpoints')) {
    if (ep.metadata.annotations?.[MANAGED_BY] === CONTROLLER) yield objectKey('Service', ep.metadata.namespace, ep.metadata.name);
  }
}
