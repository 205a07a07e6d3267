/**
 * Admission: turns a client's object into what is stored. Decodes with the kind's schema, fills
 * server-owned metadata and defaults, and checks the rules Kubernetes checks before storing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { applyDefaults, BadRequestError, decode, type FieldValidation, InvalidError, isKind, type KindInfo, type KObject, type Node, sameJson, validateObject } from '@wharf/model';
import { carryClusterIP, clusterIPImmutability } from './clusterip.js';

/** A Kubernetes timestamp: RFC 3339 in UTC with second precision. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Checks apiVersion/kind/namespace in the body against the URL and fills what is missing. */
export function checkIdentity(info: KindInfo, body: Record<string, unknown>, namespace: string | undefined, name?: string): void {
  body.apiVersion ??= 'v1';
  body.kind ??= info.kind;
  if (body.kind !== info.kind) throw new BadRequestError(`the kind in the data (${String(body.kind)}) does not match the expected kind (${info.kind})`);
  if (body.apiVersion !== 'v1') throw new BadRequestError(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1)`);
  const md = (body.metadata ??= {}) as Record<string, unknown>;
  if (typeof md !== 'object' || md === null || Array.isArray(md)) throw new BadRequestError('metadata must be an object');
  if (info.namespaced) {
    if (md.namespace !== undefined && md.namespace !== '' && md.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    md.namespace = namespace;
  } else delete md.namespace;
  if (name !== undefined) {
    if (md.name === undefined) md.name = name;
    if (md.name !== name) throw new BadRequestError(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
  }
}

/** Decodes and validates the body of a create; returns the object to store. */
export function prepareCreate(info: KindInfo, body: Record<string, unknown>, namespace: string | undefined, mode: FieldValidation): { object: KObject; warnings: string[] } {
  checkIdentity(info, body, namespace);
  const md = body.metadata as Record<string, unknown>;
  if (!md.name && typeof md.generateName === 'string' && md.generateName) {
    md.name = `${md.generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
  }
  const { object, warnings } = decode<KObject>(info, body, mode);
  const m = object.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp();
  m.generation = 1;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.managedFields;
  if (info.kind === 'Pod' || info.kind === 'ReplicationController' || info.kind === 'Namespace' || info.kind === 'Service') delete object.status;
  applyDefaults(object);
  const causes = validateObject(object, info.namespaced);
  if (causes.length) throw new InvalidError(info.kind, m.name ?? '', causes);
  return { object, warnings };
}

/**
 * Decodes the body of an update and merges it onto `current`: identity and status stay the
 * server's, generation moves when the spec changes.
 */
export function prepareUpdate(info: KindInfo, body: Record<string, unknown>, current: KObject, mode: FieldValidation): { object: KObject; warnings: string[] } {
  checkIdentity(info, body, current.metadata.namespace, current.metadata.name);
  const { object, warnings } = decode<KObject>(info, body, mode);
  if (isKind(object, 'Service') && isKind(current, 'Service')) carryClusterIP(object, current);
  const m = object.metadata;
  const c = current.metadata;
  if (m.uid && m.uid !== c.uid) throw new InvalidError(info.kind, c.name, [{ reason: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${m.uid}": field is immutable` }]);
  m.uid = c.uid;
  m.creationTimestamp = c.creationTimestamp;
  m.generation = c.generation;
  if (c.deletionTimestamp) m.deletionTimestamp = c.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (c.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  delete m.managedFields;
  // The main resource never changes status (except for Nodes and Endpoints, which have none to guard).
  if ('status' in current && info.kind !== 'Node') object.status = current.status;
  else if (info.kind !== 'Node') delete object.status;
  applyDefaults(object);
  if ('status' in current && info.kind !== 'Node') object.status = current.status;
  if (!sameJson(object.spec, current.spec)) m.generation = (c.generation ?? 1) + 1;
  const causes = [...validateObject(object, info.namespaced), ...immutability(info, object, current)];
  if (causes.length) throw new InvalidError(info.kind, c.name, causes);
  return { object, warnings };
}

/** Fields Kubernetes forbids changing after creation. */
function immutability(info: KindInfo, next: KObject, current: KObject) {
  if (isKind(next, 'Service') && isKind(current, 'Service')) return clusterIPImmutability(next, current);
  if (isKind(next, 'Node') && isKind(current, 'Node')) return podCIDRImmutability(next, current);
  if (info.kind !== 'Pod') return [];
  type Spec = { containers: { image: string }[]; nodeName?: string };
  const a = structuredClone(next.spec) as Spec;
  const b = structuredClone(current.spec) as Spec;
  // Only container images may change, as in Kubernetes.
  a.containers.forEach((c, i) => {
    if (b.containers[i]) c.image = b.containers[i].image;
  });
  if (sameJson(a, b)) return [];
  return [{ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`' }];
}

/** As Kubernetes: a Node's pod CIDRs may go from none to some (the nodeipam reconciler's assignment), never change after. */
function podCIDRImmutability(next: Node, current: Node) {
  const was = current.spec?.podCIDRs ?? (current.spec?.podCIDR ? [current.spec.podCIDR] : []);
  if (!was.length || sameJson(was, next.spec?.podCIDRs ?? [])) return [];
  return [{ reason: 'FieldValueForbidden', field: 'spec.podCIDRs', message: 'Forbidden: node updates may not change podCIDR except from "" to valid' }];
}

/** Decodes a status update: only `status` moves; metadata and spec stay as stored. */
export function prepareStatus(info: KindInfo, body: Record<string, unknown>, current: KObject, mode: FieldValidation): KObject {
  checkIdentity(info, body, current.metadata.namespace, current.metadata.name);
  const merged = { ...current, status: body.status };
  const { object } = decode<KObject>(info, merged, mode);
  object.metadata = { ...current.metadata };
  return object;
}
