/** The REST routes of every kind under /api/v1: thin handlers over Resources. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, type KObject, MethodNotAllowedError, UnsupportedMediaTypeError } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { objectBody, PATCH_TYPES, type PatchType } from '../http/body.js';
import { parseResourcePath, pathNotFound, type ResourcePath } from '../http/path.js';
import { bool, deleteOptions, dryRun, fieldValidation, str, type Query } from '../http/query.js';
import { actorOf } from './auth.js';
import { serveWatch } from './watch.js';
import { getScale, patchScale, putScale } from './scale.js';
import { sendList, sendObject } from './render.js';
import { serveLogs } from './logs.js';
import { getEvent, listEvents } from './events.js';

function writeOpts(req: FastifyRequest) {
  const q = req.query as Query;
  return { actor: actorOf(req), fieldValidation: fieldValidation(q), dryRun: dryRun(q) };
}

function warn(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length) void reply.header('Warning', warnings.map((w) => `299 - "${w.replace(/"/g, "'")}"`).join(', '));
}

function patchType(req: FastifyRequest): PatchType {
  const t = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!(PATCH_TYPES as readonly string[]).includes(t)) throw new UnsupportedMediaTypeError(t, [...PATCH_TYPES]);
  return t as PatchType;
}

async function handle(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const p: ResourcePath = parseResourcePath((req.params as { '*': string })['*']);
  const q = req.query as Query;
  const { info, namespace: ns, name, subresource: sub } = p;
  const r = ctx.resources;
  if (info.namespaced && !ns && name) throw pathNotFound();
  if (sub === 'scale' && info.kind === 'ReplicationController') {
    if (req.method === 'GET') return getScale(ctx, ns, name!);
    if (req.method === 'PUT') return putScale(ctx, ns, name!, objectBody(req.body), writeOpts(req));
    if (req.method === 'PATCH') return patchScale(ctx, ns, name!, patchType(req), req.body, writeOpts(req));
    throw new MethodNotAllowedError(`${req.method} is not supported on ${info.resource}/scale`);
  }
  if (sub === 'log' && info.kind === 'Pod' && req.method === 'GET' && ns) return serveLogs(ctx, req, reply, ns, name!);
  if (sub !== undefined && sub !== 'status') throw pathNotFound();
  if (!name) {
    if (req.method === 'GET' && (p.watchPrefix || bool(q, 'watch'))) return serveWatch(ctx, req, reply, info, ns);
    if (req.method === 'GET') {
      if (info.kind === 'Event' && !str(q, 'at')) return sendList(req, reply, info, ...(await listEvents(ctx, ns, q)));
      const { items, resourceVersion } = await r.list(info, ns, { labelSelector: str(q, 'labelSelector'), fieldSelector: str(q, 'fieldSelector'), at: str(q, 'at') });
      return sendList(req, reply, info, items, resourceVersion);
    }
    if (req.method === 'POST') {
      if (info.namespaced && !ns) throw new MethodNotAllowedError(`POST on all namespaces is not supported: use /api/v1/namespaces/{namespace}/${info.resource}`);
      const { object, warnings } = await r.create(info, ns, objectBody(req.body), writeOpts(req));
      warn(reply, warnings);
      return sendObject(req, reply.code(201), info, object);
    }
    if (req.method === 'DELETE') {
      const { items } = await r.list(info, ns, { labelSelector: str(q, 'labelSelector'), fieldSelector: str(q, 'fieldSelector') });
      const opts = deleteOptions(q, req.body);
      const deleted: KObject[] = [];
      for (const o of items) deleted.push(await r.delete(info, o.metadata.namespace, o.metadata.name, opts, writeOpts(req)));
      return sendList(req, reply, info, deleted, ctx.projection.seq);
    }
    throw new MethodNotAllowedError(`${req.method} is not supported on a ${info.resource} collection`);
  }
  if (p.watchPrefix) return serveWatch(ctx, req, reply, info, ns, name);
  switch (req.method) {
    case 'GET':
      if (bool(q, 'watch')) return serveWatch(ctx, req, reply, info, ns, name);
      if (info.kind === 'Event' && !str(q, 'at')) return sendObject(req, reply, info, await getEvent(ctx, ns, name));
      return sendObject(req, reply, info, await r.get(info, ns, name, str(q, 'at')));
    case 'PUT': {
      if (sub === 'status') return sendObject(req, reply, info, await r.replaceStatus(info, ns, name, objectBody(req.body), writeOpts(req)));
      const { object, warnings } = await r.replace(info, ns, name, objectBody(req.body), writeOpts(req));
      warn(reply, warnings);
      return sendObject(req, reply, info, object);
    }
    case 'PATCH':
      if (req.body === undefined) throw new BadRequestError('the patch is empty');
      return sendObject(req, reply, info, await r.patch(info, ns, name, patchType(req), req.body, writeOpts(req), sub === 'status' ? 'status' : undefined));
    case 'DELETE': {
      const o = await r.delete(info, ns, name, deleteOptions(q, req.body), writeOpts(req));
      const gone = !ctx.projection.get(info.kind, ns, name);
      return sendObject(req, reply.code(gone ? 200 : 202), info, o);
    }
  }
  throw new MethodNotAllowedError(`${req.method} is not supported`);
}

/** Registers /api/v1/* for every kind. */
export async function objectRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/v1/*',
    handler: (req, reply) => handle(ctx, req, reply),
  });
}
