/**
 * Watches: newline-delimited `{type, object}` events. From `resourceVersion=N` the stream is
 * replayed from exactly after N, then followed live; with no resourceVersion (or 0) the current
 * objects come first as ADDED. An N older than the retained log gets an ERROR with a 410 Status.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, ExpiredError, isCreation, isDeletion, keyString, type KindInfo, type KObject, objectOf } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { int, str, type Query } from '../http/query.js';
import { compileFilter } from '../resources.js';
import { toTable, wantsTable } from '../http/astable.js';
import { openStream } from '../http/stream.js';

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** setTimeout's longest delay (about 24.8 days): a longer watch timeout waits this long, not 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Serves one watch until the client goes, the timeout passes or the server closes. */
export async function serveWatch(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply, info: KindInfo, ns: string | undefined, name?: string): Promise<void> {
  const q = req.query as Query;
  const filter = compileFilter(info, { labelSelector: str(q, 'labelSelector'), fieldSelector: str(q, 'fieldSelector') });
  const match = (o: KObject) => (!name || o.metadata.name === name) && filter(o);
  const rvParam = str(q, 'resourceVersion');
  if (rvParam !== undefined && rvParam !== '' && !(/^\d+$/.test(rvParam) && Number.isSafeInteger(Number(rvParam)))) throw new BadRequestError(`invalid resourceVersion "${rvParam}"`);
  const timeout = Math.min((int(q, 'timeoutSeconds') ?? 1800) * 1000, MAX_TIMER_MS);
  const table = wantsTable(req);
  const stream = openStream(req, reply, 'application/json');
  const { res } = stream;
  const write = (type: WatchType | 'ERROR', object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
  const send = (type: WatchType, o: KObject) => write(type, table ? toTable(info, [o], o.metadata.resourceVersion ?? '', req) : o);
  const timer = setTimeout(() => stream.abort(), timeout);

  try {
    const seen = new Set<string>();
    let from: number;
    const listed = !rvParam || rvParam === '0';
    if (listed) {
      await ctx.projection.sync();
      const state = ctx.projection.state;
      for (const o of ctx.projection.list(info.kind, info.namespaced ? ns : undefined)) {
        if (!match(o)) continue;
        seen.add(keyString(o.metadata.namespace, o.metadata.name));
        send('ADDED', o);
      }
      from = state.seq + 1;
    } else {
      const rv = Number(rvParam);
      const { first } = await ctx.store.bounds();
      if (first > rv + 1 && rv > 0) {
        write('ERROR', new ExpiredError(`too old resource version: ${rv} (${first - 1})`).toStatus());
        return;
      }
      from = rv + 1;
    }
    for await (const e of ctx.store.read(from, ctx.store.subjects.kind(info, ns), stream.signal)) {
      const o = objectOf(e);
      const key = keyString(o.metadata.namespace, o.metadata.name);
      const was = seen.has(key);
      const now = match(o);
      if (isDeletion(e.type)) {
        if (was || now) send('DELETED', o);
        seen.delete(key);
      } else if (now) {
        // An object that newly matches is ADDED; from an RV we cannot know what matched before.
        send(was ? 'MODIFIED' : isCreation(e.type) || listed ? 'ADDED' : 'MODIFIED', o);
        seen.add(key);
      } else if (was) {
        send('DELETED', o);
        seen.delete(key);
      }
    }
  } catch (err) {
    if (!stream.signal.aborted) {
      const status = err instanceof ExpiredError ? err.toStatus() : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', code: 500, message: 'the watch ended unexpectedly' };
      req.log.warn({ err }, 'watch failed');
      if (!res.writableEnded) write('ERROR', status);
    }
  } finally {
    clearTimeout(timer);
    stream.end();
  }
}
