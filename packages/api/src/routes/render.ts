/** Renders objects and lists as JSON (or as a meta.k8s.io Table when the client asks for one). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KindInfo, KObject } from '@wharf/model';
import { toTable, wantsTable } from '../http/astable.js';

/** The most warnings one answer carries; the rest are counted in a last one. */
export const MAX_WARNINGS = 20;

/** A warning as a header may carry it: printable ASCII, double quotes as single ones, anything else escaped (\n, \u00e9). */
function headerText(warning: string): string {
  return warning.replace(/"/g, "'").replace(/[^\x20-\x7e]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Adds the warnings of a write as a Warning header (code 299, as kube-apiserver does), at most
 * MAX_WARNINGS of them; returns the reply. The texts quote the client's field names, so they are
 * escaped: a header with a newline or a non-Latin-1 character cannot be sent at all.
 */
export function sendWarnings(reply: FastifyReply, warnings: string[]): FastifyReply {
  if (!warnings.length) return reply;
  const shown = warnings.slice(0, MAX_WARNINGS);
  if (warnings.length > MAX_WARNINGS) shown.push(`and ${warnings.length - MAX_WARNINGS} more warnings`);
  void reply.header('Warning', shown.map((w) => `299 - "${headerText(w)}"`).join(', '));
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
