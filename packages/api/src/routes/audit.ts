/**
 * GET /wharf/v1/audit: the cluster's audit log, oldest first, filtered by since/until (a
 * revision, a time or an age), actor, kind, namespace and name. `limit` keeps the newest N
 * (default 10,000; `truncated` says so). `watch=true` streams NDJSON `{type: "EVENT", object:
 * entry}` lines, first the matching history, then new events as they are appended. A corrupt
 * message of the log is listed in its place as an entry of type `CorruptEvent` (its subject and
 * why it was set aside); it changes no object, so the next entry's diff ignores it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuditFilter, BadRequestError, corruptEntry, type DecodedEvent, isCorrupt, isDeletion, type KObject, matchesAudit, parseOptionalPoint, resolveKind, toEntry } from '@wharf/model';
import { readRangeDecoded, seqAtTime } from '@wharf/store';
import type { ApiContext } from '../context.js';
import { bool, int, str, type Query } from '../http/query.js';
import { openStream } from '../http/stream.js';
import { HISTORY_API_VERSION } from './history.js';

/** Parses the audit query into a filter and the sequence to start reading from. */
async function auditQuery(ctx: ApiContext, q: Query): Promise<{ filter: AuditFilter; from: number; subjects: string }> {
  const filter: AuditFilter = {};
  const since = parseOptionalPoint(str(q, 'since'));
  const until = parseOptionalPoint(str(q, 'until'));
  let from = 1;
  if (since && 'revision' in since) from = filter.fromRevision = since.revision;
  if (since && 'time' in since) {
    filter.sinceTime = since.time;
    from = (await seqAtTime(ctx.store, since.time - 1)) + 1;
  }
  if (until && 'revision' in until) filter.toRevision = until.revision;
  if (until && 'time' in until) filter.untilTime = until.time;
  for (const k of ['actor', 'namespace', 'name'] as const) {
    const v = str(q, k);
    if (v) filter[k] = v;
  }
  let subjects = ctx.store.subjects.allObjects;
  const kind = str(q, 'kind');
  if (kind) {
    const info = resolveKind(kind);
    if (!info) throw new BadRequestError(`unknown kind "${kind}"`);
    filter.kind = info.kind;
    subjects = ctx.store.subjects.kind(info, filter.namespace);
  }
  return { filter, from, subjects };
}

/** Serves the audit log as a list or, with watch, as a stream. */
export async function serveAudit(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const q = req.query as Query;
  const { filter, from, subjects } = await auditQuery(ctx, q);
  const limit = int(q, 'limit') ?? 10_000;
  const previous = new Map<string, KObject>();
  const entryOf = (e: DecodedEvent) => {
    if (isCorrupt(e)) return corruptEntry(e);
    const entry = toEntry(e, previous.get(e.subject));
    if (isDeletion(e.type)) previous.delete(e.subject);
    else previous.set(e.subject, entry.object);
    return entry;
  };
  if (!bool(q, 'watch')) {
    const { last } = await ctx.store.bounds();
    const to = Math.min(last, filter.toRevision ?? Infinity);
    const items = [];
    let truncated = false;
    for await (const e of readRangeDecoded(ctx.store, { from, to, filter: subjects })) {
      if (filter.untilTime !== undefined && !isCorrupt(e) && Date.parse(e.metadata.time) > filter.untilTime) break;
      const entry = entryOf(e);
      if (!matchesAudit(e, filter)) continue;
      items.push(entry);
      if (items.length > limit) {
        items.shift();
        truncated = true;
      }
    }
    return reply.send({ kind: 'AuditLog', apiVersion: HISTORY_API_VERSION, metadata: { resourceVersion: String(to), truncated }, items });
  }
  const stream = openStream(req, reply, 'application/json');
  const { res } = stream;
  try {
    for await (const e of ctx.store.readDecoded(from, subjects, stream.signal)) {
      if (filter.toRevision !== undefined && e.seq > filter.toRevision) break;
      const { pending: _p, ...rest } = e;
      const event = rest as DecodedEvent;
      const entry = entryOf(event);
      if (matchesAudit(event, filter)) res.write(JSON.stringify({ type: 'EVENT', object: entry }) + '\n');
    }
  } catch (err) {
    if (!stream.signal.aborted) req.log.warn({ err }, 'audit watch failed');
  } finally {
    stream.end();
  }
}
