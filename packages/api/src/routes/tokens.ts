/**
 * Wharf's token API, for cluster admins (resource `tokens` of group wharf.io, so RBAC lets only
 * cluster-admin near it): list, create (the token is in the answer, and never again), get and
 * delete by id (or by the whole token). A token created with a role gets a binding of its user to
 * that role, cluster-wide or in one namespace, named `token-<id>`; deleting the token deletes that
 * binding. A bootstrap token (kubeadm's) is user `system:bootstrap:<id>` in system:bootstrappers:
 * it may only join a node.
 */
import type { FastifyInstance } from 'fastify';
import { type Binding, bindingsFor, BOOTSTRAPPERS_GROUP, CONTROL_PLANE_JOINERS_GROUP, bootstrapUser, DEFAULT_TOKEN_TTL_SECONDS, InvalidError, NotFoundError, parseBody, type StatusCause, TOKEN_API_VERSION, TOKEN_ROLES, type TokenCreated, tokenIdOf, type TokenInfo, TokenRequest } from '@wharf/model';
import type { ApiContext } from '../context.js';
import type { TokenUser } from '../auth/tokens.js';
import { bundleOf, forgetToken, sealForToken } from '../controlplane/bundles.js';

const PATH = '/apis/wharf.io/v1/tokens';

function infoOf(ctx: ApiContext, t: TokenUser): TokenInfo {
  const roles = bindingsFor(t.identity, ctx.tokens.bindings.all())
    .filter((b) => (TOKEN_ROLES as readonly string[]).includes(b.role))
    .map((b) => ({ binding: b.name, role: b.role, ...(b.namespace ? { namespace: b.namespace } : {}) }));
  return { id: t.id, type: t.type, ...(t.description !== undefined ? { description: t.description } : {}), user: t.user, groups: t.groups, roles, created: t.created, ...(t.expires ? { expires: t.expires } : {}) };
}

function byId(ctx: ApiContext, idOrToken: string): TokenUser {
  const id = tokenIdOf(idOrToken);
  const t = ctx.tokens.byId(id);
  if (!t) throw new NotFoundError('tokens', id, 'wharf.io');
  return t;
}

/** Registers /apis/wharf.io/v1/tokens. */
export async function tokenRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(PATH, async () => ({ kind: 'TokenList', apiVersion: TOKEN_API_VERSION, items: ctx.tokens.list().map((t) => infoOf(ctx, t)) }));

  app.get<{ Params: { id: string } }>(`${PATH}/:id`, async (req) => ({ kind: 'Token', apiVersion: TOKEN_API_VERSION, ...infoOf(ctx, byId(ctx, req.params.id)) }));

  app.post(PATH, async (req, reply) => {
    const r = parseBody(TokenRequest, 'Token', req.body);
    if (r.namespace && !r.role) throw new InvalidError('Token', '', [{ reason: 'FieldValueRequired', field: 'role', message: 'Required value: a namespace is only the scope of a role' }]);
    const bootstrap = r.type === 'bootstrap';
    if (bootstrap) {
      const given = (['user', 'groups', 'role', 'namespace'] as const).filter((f) => r[f] !== undefined);
      const causes: StatusCause[] = given.map((field) => ({ reason: 'FieldValueForbidden', field, message: 'Forbidden: a bootstrap token is user system:bootstrap:<id> in system:bootstrappers, and may only join a node' }));
      if (causes.length) throw new InvalidError('Token', '', causes);
    }
    if (r.controlPlane && !bootstrap) throw new InvalidError('Token', '', [{ reason: 'FieldValueForbidden', field: 'controlPlane', message: 'Forbidden: only a bootstrap token may join control-plane hosts' }]);
    if (r.controlPlane && !(ctx.controlPlane && ctx.nodeCredentials)) {
      throw new InvalidError('Token', '', [{ reason: 'FieldValueForbidden', field: 'controlPlane', message: "Forbidden: this cluster takes no more control-plane hosts: it was made without 'wharf init --control-plane-endpoint'" }]);
    }
    const ttlSeconds = r.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    const made = bootstrap
      ? await ctx.tokens.create({ type: 'bootstrap', description: r.description, user: bootstrapUser, groups: r.controlPlane ? [BOOTSTRAPPERS_GROUP, CONTROL_PLANE_JOINERS_GROUP] : [BOOTSTRAPPERS_GROUP], ttlSeconds })
      : await ctx.tokens.create({ type: 'api', description: r.description, user: r.user ?? ((id) => `token-${id}`), groups: r.groups ?? [], ttlSeconds });
    const { token, info } = made!;
    if (r.role) {
      const b: Binding = { name: `token-${info.id}`, role: r.role, subjects: [{ kind: 'User', name: info.user }], token: info.id, created: info.created, ...(r.namespace ? { namespace: r.namespace } : {}) };
      await ctx.tokens.bindings.put(b);
    }
    // The secrets are sealed under a key that only this answer carries (see controlplane/bundles.ts).
    const certificateKey = r.controlPlane ? await sealForToken(ctx.tokens.kv, info.id, bundleOf(ctx.nodeCredentials!.secrets, ctx.controlPlane!.secret)) : undefined;
    const created: TokenCreated = { ...infoOf(ctx, info), token, ...(certificateKey ? { certificateKey } : {}) };
    return reply.code(201).send({ kind: 'Token', apiVersion: TOKEN_API_VERSION, ...created });
  });

  app.delete<{ Params: { id: string } }>(`${PATH}/:id`, async (req) => {
    const t = byId(ctx, req.params.id);
    const info = infoOf(ctx, t);
    await ctx.tokens.bindings.deleteOfToken(t.id);
    await ctx.tokens.delete(t.id);
    await forgetToken(ctx.tokens.kv, t.id);
    return { kind: 'Token', apiVersion: TOKEN_API_VERSION, ...info };
  });
}
