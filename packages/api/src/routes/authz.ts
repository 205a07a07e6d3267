/**
 * Authorization of every request, after authentication: the request's attributes are derived
 * from its method, path and query alone (the model's `requestAttributes`, as kube-apiserver's
 * RequestInfoFactory), so this holds however the routes are declared. A denial is the 403
 * kube-apiserver gives, word for word. Writes of pods and pod templates are then checked
 * against Pod Security's baseline (auth/podsecurity.ts).
 */
import type { FastifyInstance } from 'fastify';
import { type Attributes, forbiddenError, type QueryValues, requestAttributes } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { authorizerOf, userInfoOf } from '../auth/authorizer.js';
import { checkPodSecurity } from '../auth/podsecurity.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request attributes authorization decided on (unset on public routes). */
    attributes?: Attributes;
  }
}

/** Registers the authorization hooks; call after authHook, so that the user is known. */
export async function authzHook(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const authorizer = authorizerOf(ctx);
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.routeOptions.config.public) {
      const q = req.url.indexOf('?');
      const a = requestAttributes(req.method, q < 0 ? req.url : req.url.slice(0, q), req.query as QueryValues);
      const user = userInfoOf(req);
      if (!authorizer.authorize(a, user).allowed) throw forbiddenError(a, user);
      req.attributes = a;
    }
    done();
  });
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.attributes) checkPodSecurity(ctx, authorizer, req, req.attributes);
    done();
  });
}
