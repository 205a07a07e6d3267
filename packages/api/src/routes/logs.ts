/**
 * GET /api/v1/namespaces/{ns}/pods/{name}/log: a container's log from the log stream, as
 * kubectl logs reads it (container, follow, tailLines, sinceSeconds, sinceTime, timestamps,
 * previous). It works after the pod, or its node, is gone. A pod bound to a node reads that
 * node's log subjects only; a pod that is gone reads every node's. Without `previous`, the lines of
 * every restart of the container are shown in order (the log stream keeps them all).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, decodeToken, NotFoundError } from '@wharf/model';
import { LogStore } from '@wharf/store';
import type { ApiContext } from '../context.js';
import { bool, int, str, type Query } from '../http/query.js';
import { openStream } from '../http/stream.js';

let logStore: Promise<LogStore> | undefined;

/** Containers that have lines in the log stream (shipped by any node, or before logs named their node) for a pod that no longer exists. */
async function loggedContainers(ctx: ApiContext, ns: string, pod: string): Promise<string[]> {
  const names = new Set<string>();
  for (const filter of [ctx.store.subjects.logs('*', ns, pod, '*'), ctx.store.subjects.legacyLogs(ns, pod, '*')]) {
    const info = await ctx.store.jsm.streams.info(ctx.store.subjects.logStream, { subjects_filter: filter });
    for (const s of Object.keys(info.state.subjects ?? {})) names.add(decodeToken(s.slice(s.lastIndexOf('.') + 1)));
  }
  return [...names];
}

/** Serves one log request (streams when follow=true). */
export async function serveLogs(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply, ns: string, name: string): Promise<void> {
  const q = req.query as Query;
  await ctx.projection.sync();
  const pod = ctx.projection.get('Pod', ns, name);
  const names = pod ? pod.spec.containers.map((c) => c.name) : await loggedContainers(ctx, ns, name).catch(() => []);
  if (!pod && names.length === 0) throw new NotFoundError('pods', name);
  let container = str(q, 'container');
  if (!container) {
    if (names.length !== 1) throw new BadRequestError(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    container = names[0]!;
  } else if (!names.includes(container)) {
    throw new BadRequestError(`container ${container} is not valid for pod ${name}`);
  }
  const follow = bool(q, 'follow');
  const tailLines = int(q, 'tailLines');
  const sinceSeconds = int(q, 'sinceSeconds');
  // More seconds than have passed since 1970 asks for every line.
  const sinceTime = str(q, 'sinceTime') ?? (sinceSeconds !== undefined ? new Date(Math.max(Date.now() - sinceSeconds * 1000, 0)).toISOString() : undefined);
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw new BadRequestError(`invalid sinceTime "${sinceTime}"`);
  const timestamps = bool(q, 'timestamps');
  const previous = bool(q, 'previous');
  const restarts = pod?.status?.containerStatuses?.find((c) => c.name === container)?.restartCount ?? 0;
  if (previous && restarts === 0) throw new BadRequestError(`previous terminated container "${container}" in pod "${name}" not found`);

  logStore ??= LogStore.open(ctx.store);
  const logs = await logStore;
  const stream = openStream(req, reply, 'text/plain');
  const { res } = stream;
  try {
    const format = (l: { time: string; text: string }) => `${timestamps ? `${l.time} ` : ''}${l.text}\n`;
    const base = { ...(sinceTime ? { sinceTime } : {}), ...(pod?.metadata.uid ? { podUid: pod.metadata.uid } : {}), ...(pod?.spec.nodeName ? { node: pod.spec.nodeName } : {}) };
    if (previous) {
      // The previous instance's lines only; the tail is taken after that filter.
      const lines: string[] = [];
      for await (const l of logs.read(ns, name, container, base, stream.signal)) if (l.restartCount === restarts - 1) lines.push(format(l));
      res.write(lines.slice(tailLines === undefined ? 0 : Math.max(0, lines.length - tailLines)).join(''));
    } else {
      for await (const l of logs.read(ns, name, container, { ...base, follow, ...(tailLines !== undefined ? { tailLines } : {}) }, stream.signal)) res.write(format(l));
    }
  } catch (err) {
    if (!stream.signal.aborted) req.log.warn({ err }, 'log stream failed');
  } finally {
    stream.end();
  }
}
