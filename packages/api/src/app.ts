/**
 * The API server as a fastify plugin (body parsers, errors, authentication and authorization,
 * discovery, the object routes, the history routes, access reviews and tokens), and the server options it is meant to run with. server.ts owns
 * listening, logging and the graceful close; tests register the same plugin and use inject.
 */
import type { FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import type { ApiContext } from './context.js';
import { installBodyParsers } from './http/body.js';
import { BODY_LIMIT, frameworkError, installErrorHandlers, MAX_PATH_SEGMENT } from './http/errors.js';
import { accessReviewRoutes } from './routes/accessreview.js';
import { authHook } from './routes/auth.js';
import { authzHook } from './routes/authz.js';
import { discoveryRoutes } from './routes/discovery.js';
import { historyRoutes } from './routes/history.js';
import { objectRoutes } from './routes/objects.js';
import { tokenRoutes } from './routes/tokens.js';
import { joinRoutes } from './routes/join.js';

/**
 * Server options the routes rely on: kube-apiserver's body limit, paths matched as the old
 * dispatcher matched them (a trailing slash or a doubled one changes nothing), names as long as
 * Kubernetes allows, and a Status for URLs the router cannot take.
 */
export const serverOptions = {
  bodyLimit: BODY_LIMIT,
  routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PATH_SEGMENT },
  frameworkErrors: frameworkError,
} satisfies FastifyServerOptions;

/** Registers everything the API serves; register it with the context as its options. */
export const apiPlugin: FastifyPluginAsync<ApiContext> = async (app, ctx) => {
  installErrorHandlers(app);
  installBodyParsers(app);
  await authHook(app, ctx);
  await authzHook(app, ctx);
  await discoveryRoutes(app, ctx);
  await objectRoutes(app, ctx);
  await historyRoutes(app, ctx);
  await accessReviewRoutes(app, ctx);
  await tokenRoutes(app, ctx);
  await joinRoutes(app, ctx);
};
