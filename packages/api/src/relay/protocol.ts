/**
 * The node relay's requests and replies, pure. A request body is JSON: `get` {kind, namespace?,
 * name}, `put` {kind, namespace?, name, expectedResourceVersion (0: create), object, type,
 * reason?, cause?}. A reply is `{object}` or a Kubernetes Status `{kind: 'Status', code, reason,
 * message}`; a Conflict's Status also carries `current`, the object as it is now (or none), so
 * that the node can decide again.
 */
import { BadRequestError, type KObject, RequestEntityTooLargeError, type Status, type WharfError } from '@wharf/model';
import { assertJsonNesting, assertSafeValue, BODY_LIMITS } from '../http/limits.js';

/** The kinds a node asks the relay about. */
export type RelayKind = 'Node' | 'Pod';

/** What a request may be. */
export const RELAY_LIMITS = Object.freeze({
  /** Bytes of one request: the largest object the API accepts (3 MiB) and room for the envelope. */
  bytes: BODY_LIMITS.bytes + 64 * 1024,
  /** Characters of a put's reason. */
  reason: 256,
});

/** The object a request is about. */
export interface RelayTarget {
  kind: RelayKind;
  namespace: string | undefined;
  name: string;
}

/** A read: the current object. */
export interface RelayGet extends RelayTarget {
  op: 'get';
}

/** A write: `object` recorded as `type`, expecting the object at `expectedResourceVersion` (0: none). */
export interface RelayPut extends RelayTarget {
  op: 'put';
  expectedResourceVersion: number;
  object: Record<string, unknown>;
  type: string;
  reason?: string;
  cause?: number;
}

/** One parsed request. */
export type RelayOp = RelayGet | RelayPut;

/** A Conflict reply: the Status and the current object (undefined: there is none). */
export interface ConflictReply extends Status {
  current?: KObject;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses one request of operation `op`; throws a 400 BadRequestError or a 413 for anything malformed or too large. */
export function parseRelayRequest(op: string, data: Uint8Array): RelayOp {
  if (op !== 'get' && op !== 'put') throw new BadRequestError(`unknown node relay operation "${op}": use get or put`);
  if (data.length > RELAY_LIMITS.bytes) throw new RequestEntityTooLargeError(RELAY_LIMITS.bytes);
  const text = new TextDecoder().decode(data);
  assertJsonNesting(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`the request body is not JSON: ${(e as Error).message}`);
  }
  assertSafeValue(body);
  if (!isRecord(body)) throw new BadRequestError('the request body must be a JSON object');
  const target = targetOf(body);
  if (op === 'get') return { op, ...target };
  const { expectedResourceVersion, object, type, reason, cause } = body;
  if (!isCount(expectedResourceVersion)) throw new BadRequestError('expectedResourceVersion must be a non-negative integer');
  if (!isRecord(object)) throw new BadRequestError('object must be a JSON object');
  if (typeof type !== 'string' || !type) throw new BadRequestError('type must name the event to record');
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > RELAY_LIMITS.reason)) throw new BadRequestError(`reason must be a string of at most ${RELAY_LIMITS.reason} characters`);
  if (cause !== undefined && !isCount(cause)) throw new BadRequestError('cause must be a non-negative integer');
  const md = object.metadata;
  if (object.kind !== target.kind || !isRecord(md) || md.name !== target.name || (target.kind === 'Pod' && md.namespace !== target.namespace)) {
    throw new BadRequestError(`the object's kind, namespace and name must be those of the request (${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name})`);
  }
  return { op, ...target, expectedResourceVersion, object, type, ...(reason ? { reason } : {}), ...(cause !== undefined ? { cause } : {}) };
}

function targetOf(body: Record<string, unknown>): RelayTarget {
  const { kind, namespace, name } = body;
  if (kind !== 'Node' && kind !== 'Pod') throw new BadRequestError(`kind must be Node or Pod, got ${JSON.stringify(kind) ?? 'nothing'}`);
  if (typeof name !== 'string' || !name) throw new BadRequestError('name must be a non-empty string');
  if (kind === 'Pod' && (typeof namespace !== 'string' || !namespace)) throw new BadRequestError('a Pod needs its namespace');
  return { kind, namespace: kind === 'Pod' ? (namespace as string) : undefined, name };
}

/** The reply that carries an object. */
export function objectReply(object: KObject): string {
  return JSON.stringify({ object });
}

/** The reply of an error, with the current object for a Conflict. */
export function statusReply(err: WharfError, current?: KObject): string {
  const s: ConflictReply = err.toStatus();
  if (current) s.current = current;
  return JSON.stringify(s);
}
