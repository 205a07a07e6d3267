/** Bearer-token authentication for every route not marked public (authorization follows, in authz.ts). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError, type UserInfo } from '@wharf/model';
import type { ApiContext } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user; `identity` adds the groups every authenticated user has. */
    user?: { user: string; groups: string[]; identity?: UserInfo };
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

/** The authenticated user of a request: the actor of the events it appends. */
export function actorOf(req: FastifyRequest): string {
  return req.user?.user ?? 'system:anonymous';
}

/** Rejects requests without a valid, unexpired bearer token with 401. */
export async function authHook(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  // A callback hook, not an async one: no promise per request. A throw here is a 401 reply.
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.routeOptions.config.public) {
      const h = req.headers.authorization;
      const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
      if (!m) throw new UnauthorizedError('Unauthorized: a bearer token is required (wharf --token, or the token in ~/.wharf/config)');
      const u = ctx.tokens.lookup(m[1]!);
      if (!u) throw new UnauthorizedError('Unauthorized: the bearer token is not valid');
      if (u.expiresMs <= Date.now()) throw new UnauthorizedError(`Unauthorized: the bearer token expired at ${u.expires ?? 'an unreadable time'}; ask an admin for a new one (wharf token create)`);
      req.user = u;
    }
    done();
  });
}
