/**
 * Pod Security's "baseline" idea: some pod fields give a container the node itself (a hostPath
 * volume mounts the node's disk). They are allowed only to users who may `use` the
 * `podsecuritypolicies` named `privileged` (cluster-admin); for others the write is refused with
 * a 403 naming each field. Pods and the pod templates of ReplicationControllers are checked.
 */
import type { ForbiddenError, StatusCause } from '../errors.js';
import type { Attributes } from './authorize.js';
import { forbidden } from './forbidden.js';
import { PRIVILEGED_POD_POLICY } from './roles.js';

/** One privileged field of a pod spec. */
export interface PodSecurityViolation {
  /** The field path in the object, e.g. `spec.volumes[0].hostPath`. */
  field: string;
  /** What PodSecurity calls the check, e.g. `hostPath volumes`. */
  check: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function specViolations(spec: unknown, at: string): PodSecurityViolation[] {
  if (!isObject(spec) || !Array.isArray(spec.volumes)) return [];
  const out: PodSecurityViolation[] = [];
  spec.volumes.forEach((v: unknown, i) => {
    if (isObject(v) && v.hostPath !== undefined && v.hostPath !== null) out.push({ field: `${at}.volumes[${i}].hostPath`, check: 'hostPath volumes' });
  });
  return out;
}

/** The privileged fields of `object` (any shape, as a request body has it) of resource `resource`. */
export function baselineViolations(resource: string, object: unknown): PodSecurityViolation[] {
  if (!isObject(object)) return [];
  if (resource === 'pods') return specViolations(object.spec, 'spec');
  if (resource === 'replicationcontrollers') {
    const spec = object.spec;
    return isObject(spec) && isObject(spec.template) ? specViolations(spec.template.spec, 'spec.template.spec') : [];
  }
  return [];
}

/** The attributes of the `use` a user needs to write privileged pod fields in `namespace`. */
export function privilegedPodAttributes(namespace: string): Attributes {
  const { apiGroup, resource, name } = PRIVILEGED_POD_POLICY;
  return { verb: 'use', resourceRequest: true, path: '', apiGroup, apiVersion: 'v1', resource, subresource: '', namespace, name };
}

/** The 403 of a write with privileged fields: `pods "p" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (spec.volumes[0].hostPath)`. */
export function podSecurityError(resource: string, name: string, violations: PodSecurityViolation[]): ForbiddenError {
  const checks = [...new Set(violations.map((v) => v.check))];
  const text = checks.map((c) => `${c} (${violations.filter((v) => v.check === c).map((v) => v.field).join(', ')})`).join(', ');
  const causes: StatusCause[] = violations.map((v) => ({ reason: 'FieldValueForbidden', field: v.field, message: `Forbidden: ${v.check} are not allowed by PodSecurity "baseline:latest"` }));
  return forbidden(resource, '', name, `violates PodSecurity "baseline:latest": ${text}`, causes);
}
