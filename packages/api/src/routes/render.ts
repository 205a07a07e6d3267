/** Renders objects and lists as JSON (or as a meta.k8s.io Table when the client asks for one). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KindInfo, KObject } from '@wharf/model';
import { toTable, wantsTable } from '../http/astable.js';

/** Adds the warnings of a write as Warning headers (code 299, as kube-apiserver does); returns the reply. */
export function sendWarnings(reply: FastifyReply, warnings: string[]): FastifyReply {
  if (warnings.length) void reply.header('Warning', warnings.map((w) => `299 - "${w.replace(/"/g, "'")}"`).join(', '));
  return reply;
}

/** Sends one object. */
export function sendObject(req: FastifyRequest, reply: FastifyReply, info: KindInfo, o: KObject): FastifyReply {
  if (wantsTable(req)) return reply.type('application/json').send(toTable(info, [o], o.metadata.resourceVersion ?? '', req));
  return reply.type('application/json').send(o);
}

/** Sends a list with its resourceVersion. */
export function sendList(req: FastifyRequest, reply: FastifyReply, info: KindInfo, items: KObject[], resourceVersion: number): FastifyReply {
  if (wantsTable(req)) return reply.type('application/json').send(toTable(info, items, String(resourceVersion), req));
  return reply.type('application/json').send({ kind: `${info.kind}List`, apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) }, items });
}
