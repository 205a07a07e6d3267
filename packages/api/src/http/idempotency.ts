/**
 * The key that makes a write request idempotent across client retries (@wharf/store's
 * `requestKey`): who sends which verb to which object with which body and query, plus the
 * client's `Idempotency-Key` header when it sends one. Kubernetes clients send no request id and
 * retry a write after a timeout, a dropped connection, or a 5xx with Retry-After (client-go): the
 * retry carries the same key, and the write path answers it with what the first send stored.
 */
import type { FastifyRequest } from 'fastify';
import type { KindInfo } from '@wharf/model';
import { requestKey } from '@wharf/store';
import { actorOf } from '../routes/auth.js';

/** The header a client may send to name one logical write (the IETF draft's name). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The longest Idempotency-Key taken; a longer one is ignored (the derived key applies). */
const MAX_KEY = 256;

/** The request key of a write to `info` (undefined for a create of a generated name without an Idempotency-Key). */
export function writeRequestKey(req: FastifyRequest<{ Params: { namespace?: string; name?: string } }>, info: KindInfo, verb: string): string | undefined {
  const header = req.headers[IDEMPOTENCY_HEADER];
  const idempotencyKey = typeof header === 'string' && header.length > 0 && header.length <= MAX_KEY ? header : undefined;
  const bodyName = (req.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  const name = req.params.name ?? (typeof bodyName === 'string' && bodyName ? bodyName : undefined);
  const type = verb.startsWith('patch') ? `:${(req.headers['content-type'] ?? '').split(';')[0]!.trim()}` : '';
  return requestKey({ actor: actorOf(req), verb: verb + type, kind: info.kind, namespace: req.params.namespace, name, body: { query: req.query, body: req.body ?? null }, idempotencyKey });
}
