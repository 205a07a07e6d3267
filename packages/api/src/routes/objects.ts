/**
 * The REST routes of every kind under /api/v1, declared one per URL and method from the route
 * table (resource-routes.ts), each with its schema. The handlers stay thin: they read the
 * request, call Resources (or watch, scale, logs, events) and render the answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, KINDS, type KindInfo, type KObject, MethodNotAllowedError } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { objectBody, patchType } from '../http/body.js';
import { writeRequestKey } from '../http/idempotency.js';
import { bool, deleteOptions, dryRun, fieldValidation, str, type Query } from '../http/query.js';
import { operationSchema } from '../http/schemas.js';
import type { WriteOptions } from '../resources.js';
import { actorOf } from './auth.js';
import { getEvent, listEvents } from './events.js';
import { serveLogs } from './logs.js';
import { sendList, sendObject, sendWarnings } from './render.js';
import { type Operation, resourceRoutes, type ResourceRoute, unservedMethods } from './resource-routes.js';
import { getScale, patchScale, putScale } from './scale.js';
import { serveWatch } from './watch.js';

/** A request to an /api/v1 route: the URL's namespace and name, where it has them. */
type ObjectRequest = FastifyRequest<{ Params: { namespace?: string; name?: string }; Querystring: Query }>;
type Handler = (req: ObjectRequest, reply: FastifyReply) => Promise<unknown>;

/** The options of a write; `verb` (with its subresource) goes into the request's idempotency key. */
function writeOptions(req: ObjectRequest, info: KindInfo, verb: string): WriteOptions {
  return { actor: actorOf(req), fieldValidation: fieldValidation(req.query), dryRun: dryRun(req.query), request: writeRequestKey(req, info, verb) };
}

function selectors(q: Query) {
  return { labelSelector: str(q, 'labelSelector'), fieldSelector: str(q, 'fieldSelector') };
}

/** The handler of each operation on one kind. Routes with a name in their URL always have one. */
function handlers(ctx: ApiContext, info: KindInfo): Record<Operation, Handler> {
  const r = ctx.resources;
  return {
    async list(req, reply) {
      const { namespace } = req.params;
      if (bool(req.query, 'watch')) return serveWatch(ctx, req, reply, info, namespace);
      if (info.kind === 'Event' && !str(req.query, 'at')) return sendList(req, reply, info, ...(await listEvents(ctx, namespace, req.query)));
      const { items, resourceVersion, warnings } = await r.list(info, namespace, { ...selectors(req.query), at: str(req.query, 'at') });
      return sendList(req, sendWarnings(reply, warnings), info, items, resourceVersion);
    },
    async create(req, reply) {
      const { object, warnings } = await r.create(info, req.params.namespace, objectBody(req.body), writeOptions(req, info, 'create'));
      return sendObject(req, sendWarnings(reply, warnings).code(201), info, object);
    },
    async createAcrossNamespaces() {
      throw new MethodNotAllowedError(`POST on all namespaces is not supported: use /api/v1/namespaces/{namespace}/${info.resource}`);
    },
    async deletecollection(req, reply) {
      const { items } = await r.list(info, req.params.namespace, selectors(req.query));
      const opts = deleteOptions(req.query, req.body);
      const deleted: KObject[] = [];
      for (const o of items) {
        if (info.kind === 'Node') await ctx.nodeCredentials?.revokeNode(o.metadata.name);
        deleted.push(await r.delete(info, o.metadata.namespace, o.metadata.name, opts, writeOptions(req, info, 'deletecollection')));
      }
      return sendList(req, reply, info, deleted, ctx.projection.seq);
    },
    async get(req, reply) {
      const { namespace, name } = req.params;
      if (bool(req.query, 'watch')) return serveWatch(ctx, req, reply, info, namespace, name);
      if (info.kind === 'Event' && !str(req.query, 'at')) return sendObject(req, reply, info, await getEvent(ctx, namespace, name!));
      const { object, warnings } = await r.get(info, namespace, name!, str(req.query, 'at'));
      return sendObject(req, sendWarnings(reply, warnings), info, object);
    },
    async update(req, reply) {
      const { object, warnings } = await r.replace(info, req.params.namespace, req.params.name!, objectBody(req.body), writeOptions(req, info, 'update'));
      return sendObject(req, sendWarnings(reply, warnings), info, object);
    },
    async patch(req, reply) {
      if (req.body === undefined) throw new BadRequestError('the patch is empty');
      return sendObject(req, reply, info, await r.patch(info, req.params.namespace, req.params.name!, patchType(req), req.body, writeOptions(req, info, 'patch')));
    },
    async delete(req, reply) {
      const { namespace, name } = req.params;
      // A node deleted loses its credentials first: if that fails, the node stays and the
      // delete can be retried; never a deleted node that can still connect.
      if (info.kind === 'Node' && ctx.projection.get('Node', undefined, name!)) await ctx.nodeCredentials?.revokeNode(name!);
      const o = await r.delete(info, namespace, name!, deleteOptions(req.query, req.body), writeOptions(req, info, 'delete'));
      const gone = !ctx.projection.get(info.kind, namespace, name!);
      return sendObject(req, reply.code(gone ? 200 : 202), info, o);
    },
    async updateStatus(req, reply) {
      return sendObject(req, reply, info, await r.replaceStatus(info, req.params.namespace, req.params.name!, objectBody(req.body), writeOptions(req, info, 'update/status')));
    },
    async patchStatus(req, reply) {
      if (req.body === undefined) throw new BadRequestError('the patch is empty');
      return sendObject(req, reply, info, await r.patch(info, req.params.namespace, req.params.name!, patchType(req), req.body, writeOptions(req, info, 'patch/status'), 'status'));
    },
    async getScale(req) {
      return getScale(ctx, req.params.namespace, req.params.name!);
    },
    async updateScale(req) {
      return putScale(ctx, req.params.namespace, req.params.name!, objectBody(req.body), writeOptions(req, info, 'update/scale'));
    },
    async patchScale(req) {
      return patchScale(ctx, req.params.namespace, req.params.name!, patchType(req), req.body, writeOptions(req, info, 'patch/scale'));
    },
    async log(req, reply) {
      return serveLogs(ctx, req, reply, req.params.namespace!, req.params.name!);
    },
    async watch(req, reply) {
      return serveWatch(ctx, req, reply, info, req.params.namespace, req.params.name);
    },
  };
}

/** 405 for a method that a declared URL does not serve. */
async function methodNotAllowed(req: FastifyRequest): Promise<never> {
  throw new MethodNotAllowedError(`${req.method} is not supported on ${req.url.split('?')[0]}`);
}

/** Registers the routes of every kind under /api/v1; any other method on their URLs answers 405. */
export async function objectRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const declared: ResourceRoute[] = [];
  for (const info of KINDS) {
    const handle = handlers(ctx, info);
    for (const route of resourceRoutes(info)) {
      app.route({ method: route.method, url: route.url, schema: operationSchema(route.operation), exposeHeadRoute: false, handler: handle[route.operation] });
      declared.push(route);
    }
  }
  for (const { url, methods } of unservedMethods(declared)) app.route({ method: methods, url, handler: methodNotAllowed });
}
