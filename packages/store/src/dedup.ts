/**
 * Idempotent writes (pure): the key of a write request, the de-duplication id each append
 * carries (`Nats-Msg-Id`), and the tag that a created object's uid carries so that a retried
 * create knows its own object. See the README's "Retries and de-duplication".
 */
import { createHash, randomUUID } from 'node:crypto';

/**
 * The event log's de-duplication window (the stream's `duplicate_window`), and how long after its
 * creation a repeated create is taken for a retry of the one that made the object. Clients retry
 * within seconds; an identical create sent later than this is a new request (409 if the name is
 * live).
 */
export const DUPLICATE_WINDOW_SECONDS = 120;

/** What identifies one write request of a client; equal requests are one logical write sent again. */
export interface WriteRequest {
  /** Who sends it (the authenticated user): the same body from two users is two requests. */
  actor: string;
  /** create, update, patch, delete... with the subresource, if any (`update/status`). */
  verb: string;
  kind: string;
  namespace: string | undefined;
  /** The object's name; undefined for a create that asks for a generated name. */
  name: string | undefined;
  /** The request body as the client sent it (parsed; key order does not matter). */
  body: unknown;
  /** The client's `Idempotency-Key` header, when it sends one: requests with different keys are different requests. */
  idempotencyKey?: string | undefined;
}

/**
 * JSON with every object's keys sorted, so that equal values give equal text whatever their key
 * order; otherwise as JSON.stringify (undefined members left out, undefined in arrays as null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  return `{${parts.join(',')}}`;
}

/**
 * The key of a write request: 32 hex digits of a SHA-256 over who sends what to which object.
 * Undefined for a create of a generated name without an Idempotency-Key: nothing tells a retry
 * of it from a second create, which generateName is for.
 */
export function requestKey(r: WriteRequest): string | undefined {
  if (r.name === undefined && !r.idempotencyKey) return undefined;
  const parts = ['wharf-request/1', r.actor, r.verb, r.kind, r.namespace ?? '', r.name ?? '', r.idempotencyKey ?? '', r.body ?? null];
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 32);
}

/**
 * The `Nats-Msg-Id` of an append: the request's key (or a per-write nonce) and the subject
 * sequence the append expects. Two appends with one id are one write sent twice: at most one
 * lands (the expected sequence), and the other can recognize it by this id.
 */
export function appendId(basis: string, expected: number): string {
  return `${basis}:${expected}`;
}

/** The hex digits of a uid without its dashes. */
function hex(uid: string): string {
  return uid.replaceAll('-', '').toLowerCase();
}

/**
 * A uid for the object a create request makes: an RFC 9562 version-8 UUID whose first 64 bits
 * (less the version digit) come from the request key and whose last 64 (less the variant) are
 * random (`random`'s 8 bytes, or a random UUID's), so every incarnation of a name gets its own
 * uid, and a retry of the request can tell the object it made.
 */
export function taggedUid(key: string, random?: Uint8Array): string {
  const k = key.padEnd(16, '0');
  let tail: string;
  if (random) {
    const r = Buffer.from(random.subarray(0, 8));
    r[0] = (r[0]! & 0x3f) | 0x80;
    const h = r.toString('hex');
    tail = `${h.slice(0, 4)}-${h.slice(4)}`;
  } else tail = randomUUID().slice(19);
  return `${k.slice(0, 8)}-${k.slice(8, 12)}-8${k.slice(13, 16)}-${tail}`.toLowerCase();
}

/** True when `uid` was made by `taggedUid` for the request `key`. */
export function hasRequestTag(uid: string | undefined, key: string): boolean {
  return uid !== undefined && hex(uid).slice(0, 16) === hex(taggedUid(key, new Uint8Array(8))).slice(0, 16);
}

/**
 * True when the live object `o` was made by the create request `key` no longer than the
 * duplicate window before `now`: a retry of that create then answers with the object, not 409.
 */
export function isOwnCreation(o: { metadata: { uid?: string | undefined; creationTimestamp?: string | null | undefined } }, key: string, now: Date): boolean {
  const created = Date.parse(o.metadata.creationTimestamp ?? '');
  return hasRequestTag(o.metadata.uid, key) && Number.isFinite(created) && now.getTime() - created <= DUPLICATE_WINDOW_SECONDS * 1000;
}

/** The name a create with generateName and an Idempotency-Key gets: the same on every retry. */
export function generatedName(generateName: string, key: string): string {
  return `${generateName}${key.slice(0, 5)}`;
}
