/** Shared metadata schemas: ObjectMeta, owner references, names, labels, quantities. */
import { z } from 'zod';
import { isQuantity } from '../quantity.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A Kubernetes int32 field: a whole number in [-2^31, 2^31 - 1]; a fraction or one outside is a 422 naming the field. */
export const Int32 = z.int32({
  error: (issue) => (issue.code === 'too_big' ? `must be less than or equal to ${2 ** 31 - 1}` : issue.code === 'too_small' ? `must be greater than or equal to ${-(2 ** 31)}` : undefined),
});
/** A Kubernetes int32 field that may not be negative (replicas, delays). */
export const NonNegativeInt32 = Int32.min(0, 'must be greater than or equal to 0');
/** A Kubernetes int32 field that must be at least 1 (periods, thresholds). */
export const PositiveInt32 = Int32.min(1, 'must be greater than or equal to 1');
/** A Kubernetes int64 field, within the integers a JSON number holds exactly (±2^53 - 1). */
export const Int64 = z.int();
/** A Kubernetes int64 field that may not be negative (grace periods in seconds). */
export const NonNegativeInt64 = Int64.min(0, 'must be greater than or equal to 0');

/** A DNS-1123 label (namespaces, container and port names): at most 63 characters. */
export const DnsLabel = z
  .string()
  .max(63, 'must be no more than 63 characters')
  .regex(dns1123Label, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");

/** A DNS-1123 subdomain (most object names): at most 253 characters. */
export const DnsSubdomain = z
  .string()
  .max(253, 'must be no more than 253 characters')
  .regex(dns1123Subdomain, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");

/** A label or annotation key: optional DNS prefix, '/', and a name of at most 63 characters. */
export const LabelKey = z.string().refine((k) => {
  const i = k.lastIndexOf('/');
  const prefix = i >= 0 ? k.slice(0, i) : undefined;
  const name = i >= 0 ? k.slice(i + 1) : k;
  if (prefix !== undefined && (!dns1123Subdomain.test(prefix) || prefix.length > 253)) return false;
  return name.length <= 63 && labelName.test(name);
}, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'");

/** A label value: at most 63 characters, possibly empty. */
export const LabelValue = z.string().max(63, 'must be no more than 63 characters').regex(labelValue, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");

/** A label map. */
export const Labels = z.record(LabelKey, LabelValue);

/** Kubernetes' limit on the keys and values of all annotations of an object, in bytes (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/** Annotations: label keys to any strings, at most ANNOTATIONS_SIZE_LIMIT bytes in all. */
export const Annotations = z
  .record(LabelKey, z.string())
  .refine((a) => Object.entries(a).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0) <= ANNOTATIONS_SIZE_LIMIT, `Too long: must have at most ${ANNOTATIONS_SIZE_LIMIT} bytes`);

/** A resource quantity such as "100m" or "128Mi". */
export const Quantity = z.union([z.string(), z.number()]).refine((q) => isQuantity(q), 'quantities must be a number or a string such as "100m", "0.5", "128Mi" or "1G"');

/** Resource lists (requests, limits, capacity). */
export const ResourceList = z.record(z.string(), Quantity);

/** An ownerReference: which controller owns this object. */
export const OwnerReference = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

const Timestamp = z.string().nullable();

/** metadata of every object. Server-owned fields are accepted and then overwritten. */
export const ObjectMeta = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: Int64.optional(),
  creationTimestamp: Timestamp.optional(),
  deletionTimestamp: Timestamp.optional(),
  deletionGracePeriodSeconds: NonNegativeInt64.nullable().optional(),
  labels: Labels.optional(),
  annotations: Annotations.optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.unknown()).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** A label selector with matchLabels and matchExpressions (used in templates' metadata). */
export const LabelSelectorRequirement = z.strictObject({
  key: LabelKey,
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

/** A reference to another object, as in Events and Endpoints. */
export const ObjectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof ObjectReference>;

/** A condition as Kubernetes reports them (type, status, reason, message, times). */
export const Condition = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: Timestamp.optional(),
  lastProbeTime: Timestamp.optional(),
  lastHeartbeatTime: Timestamp.optional(),
  observedGeneration: Int64.optional(),
});
export type Condition = z.infer<typeof Condition>;

/** Fields every object schema shares; each kind narrows apiVersion and kind. */
export function typeMeta<K extends string>(kind: K) {
  return {
    apiVersion: z.literal('v1', { error: `apiVersion must be "v1" for kind ${kind}` }),
    kind: z.literal(kind, { error: `kind must be "${kind}"` }),
    metadata: ObjectMeta,
  };
}
