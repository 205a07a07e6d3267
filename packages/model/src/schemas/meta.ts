/** Shared metadata schemas: ObjectMeta, owner references, names, labels, quantities. */
import { z } from 'zod';
import { isQuantity } from '../quantity.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

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
  generation: z.int().optional(),
  creationTimestamp: Timestamp.optional(),
  deletionTimestamp: Timestamp.optional(),
  deletionGracePeriodSeconds: z.int().nonnegative().nullable().optional(),
  labels: Labels.optional(),
  annotations: z.record(LabelKey, z.string()).optional(),
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
  observedGeneration: z.int().optional(),
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
