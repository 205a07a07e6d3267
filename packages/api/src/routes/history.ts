/**
 * Wharf's history extensions under /wharf/v1 (not Kubernetes API groups, so kubectl discovery
 * never sees them): object history, why, diff between two points, replay verification and
 * snapshots. The audit log is in audit.ts. See the api README for the shapes.
 */
import type { FastifyInstance } from 'fastify';
import { BadRequestError, diffObjects, KINDS, listObjects, parsePoint, type State } from '@wharf/model';
import { eventAt, objectHistory, verifyReplay, whyObject } from '@wharf/store';
import type { ApiContext } from '../context.js';
import { str, type Query } from '../http/query.js';
import { flag, integer, objectParams, querystring, text } from '../http/schemas.js';
import { serveAudit } from './audit.js';
import { objectPath } from './resource-routes.js';

/** The API version of every history response. */
export const HISTORY_API_VERSION = 'wharf.io/v1';

/** The object a history or why route is about, from its URL. */
type ObjectParams = { Params: { namespace?: string; name: string } };

const POINT = 'a revision (42), an RFC 3339 time or an age such as 10m';
const diffQuery = querystring({ from: text(`required: ${POINT}`), to: text(`${POINT}; default now`) });
const auditQuery = querystring({
  since: text(`only events after ${POINT}`),
  until: text(`only events up to ${POINT}`),
  actor: text('only events by this actor; system:* matches a prefix'),
  kind: text('only objects of this kind (any kubectl alias)'),
  namespace: text('only objects in this namespace'),
  name: text('only objects of this name'),
  limit: integer('keep the newest N matching events (default 10000)'),
  watch: flag('stream the matching history, then new events, as NDJSON'),
});

async function stateAt(ctx: ApiContext, at: string | undefined): Promise<State> {
  if (at === undefined || at === '' || at === 'now') {
    await ctx.projection.sync();
    return ctx.projection.state;
  }
  return ctx.timeTravel.stateAt(parsePoint(at));
}

function* everything(state: State) {
  for (const k of KINDS) yield* listObjects(state, k.kind);
}

/** Registers the /wharf/v1 routes. */
export async function historyRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const info of KINDS) {
    app.get<ObjectParams>(`/wharf/v1/history${objectPath(info)}`, { schema: { params: objectParams } }, async (req) => {
      const { namespace, name } = req.params;
      const items = await objectHistory(ctx.store, info, namespace, name);
      return { kind: 'History', apiVersion: HISTORY_API_VERSION, object: { kind: info.kind, namespace: namespace ?? '', name }, items };
    });
    app.get<ObjectParams>(`/wharf/v1/why${objectPath(info)}`, { schema: { params: objectParams } }, async (req) => {
      const { namespace, name } = req.params;
      return { kind: 'Why', apiVersion: HISTORY_API_VERSION, ...(await whyObject(ctx.store, info, namespace, name)) };
    });
  }

  app.get('/wharf/v1/diff', { schema: { querystring: diffQuery } }, async (req) => {
    const q = req.query as Query;
    const fromText = str(q, 'from');
    if (!fromText) throw new BadRequestError('diff needs ?from= (a revision, a time or an age like 10m)');
    const [a, b] = [await stateAt(ctx, fromText), await stateAt(ctx, str(q, 'to'))];
    if (a.seq > b.seq) throw new BadRequestError(`from (revision ${a.seq}) is after to (revision ${b.seq})`);
    return { kind: 'Diff', apiVersion: HISTORY_API_VERSION, from: a.seq, to: b.seq, items: diffObjects(everything(a), everything(b)) };
  });

  app.get('/wharf/v1/replay/verify', async () => {
    await ctx.projection.sync();
    return { kind: 'ReplayVerification', apiVersion: HISTORY_API_VERSION, ...(await verifyReplay(ctx.store, ctx.projection.state, ctx.snapshots)) };
  });

  app.get('/wharf/v1/snapshots', async () => {
    const items = ctx.snapshots ? await ctx.snapshots.list() : [];
    const { first, last } = await ctx.store.bounds();
    return { kind: 'SnapshotList', apiVersion: HISTORY_API_VERSION, log: { first, last }, items };
  });

  app.post('/wharf/v1/snapshots', async (_req, reply) => {
    if (!ctx.snapshots) throw new BadRequestError('snapshots are off on this server (--no-snapshots)');
    await ctx.projection.sync();
    const state = ctx.projection.state;
    const time = state.seq ? (await eventAt(ctx.store, state.seq))?.metadata.time ?? '' : '';
    const header = await ctx.snapshots.save(state, time);
    return reply.code(201).send({ kind: 'Snapshot', apiVersion: HISTORY_API_VERSION, seq: state.seq, time, created: Boolean(header) });
  });

  app.get('/wharf/v1/audit', { schema: { querystring: auditQuery } }, (req, reply) => serveAudit(ctx, req, reply));
}
