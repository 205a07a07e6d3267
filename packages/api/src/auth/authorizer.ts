/**
 * The authorizer the API runs every request through, chosen like kube-apiserver's
 * `--authorization-mode`: RBAC (the default) decides by the model's `authorize` over the stored
 * bindings; AlwaysAllow lets every authenticated request through (benchmarks, trusted loopback).
 */
import type { FastifyRequest } from 'fastify';
import { type Attributes, authorize, type AuthorizationDecision, identityOf, type UserInfo } from '@wharf/model';
import type { ApiContext } from '../context.js';

/** The authorization modes wharf-api accepts. */
export const AUTHORIZATION_MODES = ['RBAC', 'AlwaysAllow'] as const;
/** One of AUTHORIZATION_MODES. */
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

/** Decides requests. */
export interface Authorizer {
  authorize(a: Attributes, user: UserInfo): AuthorizationDecision;
}

const allowAll: Authorizer = { authorize: () => ({ allowed: true, reason: 'AlwaysAllow' }) };

/** The authorizer of `ctx`'s mode (RBAC unless the context says otherwise); cheap to make. */
export function authorizerOf(ctx: ApiContext): Authorizer {
  if (ctx.authorizationMode === 'AlwaysAllow') return allowAll;
  const bindings = ctx.tokens.bindings;
  return { authorize: (a, user) => authorize(a, user, bindings.all()) };
}

/** The authenticated user of a request as the authorizer sees it (with group system:authenticated). */
export function userInfoOf(req: FastifyRequest): UserInfo {
  const u = req.user;
  if (!u) return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  return u.identity ?? identityOf(u.user, u.groups);
}
