/**
 * Pod Security's baseline at the API: a create, update or patch of a pod or a replication
 * controller whose result would hold a privileged field (a hostPath volume) is refused with 403
 * unless the user may `use` podsecuritypolicies "privileged" in the namespace (cluster-admin).
 * A patch is applied here to the stored object to see its result; the write path applies it
 * again, and pods' specs are immutable after creation anyway (only their images change).
 */
import type { FastifyRequest } from 'fastify';
import { type Attributes, baselineViolations, type KObject, podSecurityError, privilegedPodAttributes } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { PATCH_TYPES, type PatchType } from '../http/body.js';
import { applyPatch } from '../patch.js';
import type { Authorizer } from './authorizer.js';
import { userInfoOf } from './authorizer.js';

const CHECKED = new Set(['pods', 'replicationcontrollers']);
const WRITES = new Set(['create', 'update', 'patch']);
const KIND_OF: Record<string, 'Pod' | 'ReplicationController'> = { pods: 'Pod', replicationcontrollers: 'ReplicationController' };

/** The object a write would store, or undefined when it can't be known here (the handler then answers). */
function resultOf(ctx: ApiContext, req: FastifyRequest, a: Attributes): unknown {
  if (a.verb !== 'patch') return req.body;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!(PATCH_TYPES as readonly string[]).includes(type) || req.body === undefined) return undefined;
  const current = ctx.projection.get<KObject>(KIND_OF[a.resource]!, a.namespace || undefined, a.name);
  if (!current) return undefined;
  try {
    return applyPatch(type as PatchType, current, req.body);
  } catch {
    return undefined; // a patch that doesn't apply is the handler's 4xx to give
  }
}

/** Throws the PodSecurity 403 when the write of `a` would store privileged fields the user may not use. */
export function checkPodSecurity(ctx: ApiContext, authorizer: Authorizer, req: FastifyRequest, a: Attributes): void {
  if (!a.resourceRequest || a.apiGroup !== '' || a.subresource !== '' || !CHECKED.has(a.resource) || !WRITES.has(a.verb)) return;
  const user = userInfoOf(req);
  if (authorizer.authorize(privilegedPodAttributes(a.namespace), user).allowed) return;
  const violations = baselineViolations(a.resource, resultOf(ctx, req, a));
  if (violations.length === 0) return;
  const body = req.body as { metadata?: { name?: unknown } } | undefined;
  const name = a.name || (typeof body?.metadata?.name === 'string' ? body.metadata.name : '');
  throw podSecurityError(a.resource, name, violations);
}
