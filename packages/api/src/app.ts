/** The API server as a fastify plugin: body parsers, authentication and authorization, discovery and the routes. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.js';
import { installBodyParsers } from './http/body.js';
import { installErrorHandlers } from './http/errors.js';
import { accessReviewRoutes } from './routes/accessreview.js';
import { authHook } from './routes/auth.js';
import { authzHook } from './routes/authz.js';
import { discoveryRoutes } from './routes/discovery.js';
import { objectRoutes } from './routes/objects.js';
import { historyRoutes } from './routes/history.js';
import { tokenRoutes } from './routes/tokens.js';

/** Registers everything the API serves on `app`. */
export async function apiPlugin(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  installErrorHandlers(app);
  installBodyParsers(app);
  await authHook(app, ctx);
  await authzHook(app, ctx);
  await discoveryRoutes(app, ctx);
  await objectRoutes(app, ctx);
  await historyRoutes(app, ctx);
  await accessReviewRoutes(app, ctx);
  await tokenRoutes(app, ctx);
}
