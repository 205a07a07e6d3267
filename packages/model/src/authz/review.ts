/**
 * SelfSubjectAccessReview (authorization.k8s.io/v1), what `kubectl auth can-i` posts: the
 * attributes of a request the caller might make, answered with allowed or not for the caller.
 */
import { z } from 'zod';
import type { Attributes } from './authorize.js';

/** The API group of access reviews. */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

const ResourceAttributes = z.object({
  namespace: z.string().max(253).optional(),
  verb: z.string().max(63).optional(),
  group: z.string().max(253).optional(),
  version: z.string().max(63).optional(),
  resource: z.string().max(253).optional(),
  subresource: z.string().max(253).optional(),
  name: z.string().max(253).optional(),
});
const NonResourceAttributes = z.object({ path: z.string().max(4096).optional(), verb: z.string().max(63).optional() });

/** The body of a SelfSubjectAccessReview; exactly one of the attribute sets is given. */
export const SelfSubjectAccessReview = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: z
    .object({ resourceAttributes: ResourceAttributes.optional(), nonResourceAttributes: NonResourceAttributes.optional() })
    .refine((s) => (s.resourceAttributes ? 1 : 0) + (s.nonResourceAttributes ? 1 : 0) === 1, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'),
});
/** A SelfSubjectAccessReview request. */
export type SelfSubjectAccessReview = z.infer<typeof SelfSubjectAccessReview>;

/** The request attributes a review asks about. */
export function reviewAttributes(review: SelfSubjectAccessReview): Attributes {
  const r = review.spec.resourceAttributes;
  if (r) {
    return { verb: r.verb ?? '', resourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '' };
  }
  const n = review.spec.nonResourceAttributes!;
  return { verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}
