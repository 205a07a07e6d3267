/**
 * The autoscaling/v1 Scale subresource of ReplicationControllers (`kubectl scale`): the Scale view
 * of a controller, and the decision a new replica count makes. Pure.
 */
import { ConflictError, InvalidError } from '../errors.js';
import type { KObject } from '../object.js';
import type { ReplicationController } from '../schemas/controller.js';
import { NonNegativeInt32 } from '../schemas/meta.js';
import { formatSelectorMap } from '../selectors.js';
import type { Decision } from './decision.js';

/** A ReplicationController as the write path holds it. */
export type ScalableController = ReplicationController & KObject;

/** An autoscaling/v1 Scale. */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: Pick<KObject['metadata'], 'name' | 'namespace' | 'uid' | 'resourceVersion' | 'creationTimestamp'>;
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

/** The Scale of a controller: its desired replicas, its observed replicas and its selector. */
export function scaleOf(rc: ScalableController): Scale {
  const md = rc.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp },
    spec: { replicas: rc.spec.replicas ?? 0 },
    status: { replicas: rc.status?.replicas ?? 0, selector: formatSelectorMap(rc.spec.selector) },
  };
}

/** A requested scale: the replica count from a Scale body, and the resourceVersion it is pinned to, if any. */
export interface ScaleRequest {
  replicas: unknown;
  resourceVersion?: string | undefined;
}

/** The controller with its desired replicas set to `replicas` and its generation moved on. */
function withReplicas(rc: ScalableController, replicas: number): ScalableController {
  return { ...rc, spec: { ...rc.spec, replicas }, metadata: { ...rc.metadata, generation: (rc.metadata.generation ?? 1) + 1 } };
}

/** The replicas a Scale asks for: an int32 of at least 0, or a 422 naming spec.replicas, as the controller's own field. */
function replicasOf(name: string, value: unknown): number {
  const valid = NonNegativeInt32.safeParse(value);
  if (valid.success) return valid.data;
  throw new InvalidError('Scale', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(value) ?? 'null'}: ${valid.error.issues[0]?.message ?? 'must be a non-negative integer'}` }]);
}

/**
 * Scaling a controller: replicas must be an int32 of at least 0 (422 Invalid), a pinned
 * resourceVersion must be the current one (Conflict); the same count writes nothing (undefined),
 * another is ReplicationControllerScaled with the generation moved on.
 */
export function scaleTo(rc: ScalableController, req: ScaleRequest): Decision | undefined {
  const replicas = replicasOf(rc.metadata.name, req.replicas);
  if (req.resourceVersion && req.resourceVersion !== rc.metadata.resourceVersion) throw new ConflictError('replicationcontrollers', rc.metadata.name);
  if (replicas === rc.spec.replicas) return undefined;
  return { object: withReplicas(rc, replicas), type: 'ReplicationControllerScaled', reason: `scaled from ${rc.spec.replicas ?? 0} to ${replicas}` };
}
