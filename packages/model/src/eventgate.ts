/**
 * The gate of the log: every message read from the event log passes here before anything folds
 * or shows it. A message that does not parse, or parses into something the fold and the readers
 * cannot trust, comes out as a CorruptEvent (sequence, subject, reason) instead of an event; every
 * reader then treats it as if it were not there. What is checked, cheapest first:
 *
 * 1. the bytes are JSON and the JSON is an object;
 * 2. the envelope: a known event type of the object's kind, `metadata.actor` and `metadata.time`
 *    strings, `cause` an integer and `reason` a string when present;
 * 3. the object: `data` an object whose `kind`, namespace and `metadata.name` are exactly the ones
 *    its subject names (one subject carries one object's events: compaction relies on it);
 * 4. the data fits the kind's zod schema in *shape*: no field of the wrong type, no required field
 *    missing. Admission *rules* (bounds, formats, enums, unknown fields) are not held against the
 *    log: they tighten over time, and a stored event must stay readable by the next version;
 * 5. nothing nests deeper than 64 levels (a Pod is about 10; deeper JSON parses, then overflows the
 *    stack of every JSON.stringify that serves it). The schema bounds the depth of what it knows,
 *    so only what it does not (unknown fields, `managedFields`) is walked, and only when present.
 */
import type { z } from 'zod';
import { fieldPath } from './decode.js';
import type { LoggedEvent } from './events.js';
import { type GenericChange, type SpecificEventType } from './events.js';
import { kindByToken, type KindInfo, type KindName, KINDS } from './kinds.js';
import { kindSchema } from './schemas/bykind.js';
import { encodeToken } from './subjects.js';

/** A message of the log that is not a valid event: set aside by every reader, shown in the audit log. */
export interface CorruptEvent {
  type: 'CorruptEvent';
  seq: number;
  subject: string;
  /** Why it was set aside, one line ("not JSON: ...", "unknown event type ..."). */
  reason: string;
}

/** What the gate makes of one message: the event, or why it was set aside. */
export type DecodedEvent = LoggedEvent | CorruptEvent;

/** True when the gate set this message aside. */
export function isCorrupt(d: DecodedEvent): d is CorruptEvent {
  return d.type === 'CorruptEvent';
}

const GENERIC: readonly GenericChange[] = ['Created', 'Replaced', 'StatusUpdated', 'DeletionRequested', 'Deleted'];
const SPECIFIC: Readonly<Record<SpecificEventType, KindName>> = {
  PodBound: 'Pod',
  PodScheduleFailed: 'Pod',
  PodAdopted: 'Pod',
  PodReleased: 'Pod',
  ReplicationControllerScaled: 'ReplicationController',
  NodeRegistered: 'Node',
  NodeCordoned: 'Node',
  NodeUncordoned: 'Node',
  NodeReadinessChanged: 'Node',
  NodePodCIDRAssigned: 'Node',
  NodeCIDRNotAvailable: 'Node',
  EndpointsUpdated: 'Endpoints',
};
/** The event types each kind's subject may carry. */
const TYPES = new Map<KindName, ReadonlySet<string>>(
  KINDS.map((k) => [k.kind, new Set([...GENERIC.map((g) => `${k.kind}${g}`), ...Object.keys(SPECIFIC).filter((t) => SPECIFIC[t as SpecificEventType] === k.kind)])]),
);

const utf8 = new TextDecoder();
const MAX_REASON = 300;
/** The deepest nesting of objects and arrays a message may have. */
export const MAX_EVENT_DEPTH = 64;
const ENVELOPE = new Set(['type', 'data', 'metadata']);
const EVENT_METADATA = new Set(['actor', 'time', 'cause', 'reason']);

/** Not an event: thrown inside the gate, turned into a CorruptEvent at its edge. */
class Rejected extends Error {}

function reject(reason: string): never {
  throw new Rejected(reason);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decodes one message of the log (its bytes, stream sequence and subject) into a LoggedEvent, or
 * into a CorruptEvent saying why it is not one. Never throws. The event is the parsed JSON itself,
 * extended with `seq` and `subject` (no copy: a replay reads millions).
 */
export function decodeEvent(data: Uint8Array, seq: number, subject: string): DecodedEvent {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch (e) {
    return corrupt(seq, subject, `not JSON: ${(e as Error).message}`);
  }
  try {
    return checkEvent(json, seq, subject);
  } catch (e) {
    if (e instanceof Rejected) return corrupt(seq, subject, e.message);
    // A check itself failed (a bug, or input deep enough to exhaust the stack): still not an event.
    return corrupt(seq, subject, `cannot be checked: ${(e as Error).message}`);
  }
}

/** The gate's steps 1-4 on parsed JSON: returns it as a LoggedEvent or throws Rejected. */
function checkEvent(json: unknown, seq: number, subject: string): LoggedEvent {
  if (!isRecord(json)) reject(`not an event: the message is ${describe(json)}, not an object`);
  const { type, data, metadata } = json;
  const info = subjectKind(subject);
  if (typeof type !== 'string') reject('not an event: "type" is missing or not a string');
  if (!TYPES.get(info.kind)!.has(type)) reject(`unknown event type "${clip(type, 60)}" for kind ${info.kind}`);
  checkMetadata(metadata);
  if (!isRecord(data)) reject(`not an event: "data" is ${describe(data)}, not an object`);
  checkIdentity(data, info, subject);
  checkShape(data, info);
  checkExtraDepth(json, ENVELOPE, 1);
  checkExtraDepth(metadata as Record<string, unknown>, EVENT_METADATA, 2);
  const e = json as unknown as LoggedEvent;
  e.seq = seq;
  e.subject = subject;
  return e;
}

/** The kind an object subject (`wharf.<cluster>.obj.<token>.<ns|_>.<name>`) names. */
function subjectKind(subject: string): KindInfo {
  const parts = subject.split('.');
  const info = parts.length === 6 && parts[0] === 'wharf' && parts[2] === 'obj' ? kindByToken(parts[3]!) : undefined;
  if (!info) reject(`subject ${clip(subject, 120)} names no object of a known kind`);
  return info;
}

function checkMetadata(m: unknown): void {
  if (!isRecord(m)) reject(`not an event: "metadata" is ${describe(m)}, not an object`);
  if (typeof m.actor !== 'string') reject('metadata.actor is missing or not a string');
  if (typeof m.time !== 'string') reject('metadata.time is missing or not a string');
  if (m.cause !== undefined && !(Number.isSafeInteger(m.cause) && (m.cause as number) > 0)) reject('metadata.cause is not a sequence number');
  if (m.reason !== undefined && typeof m.reason !== 'string') reject('metadata.reason is not a string');
}

/** The object must be the one its subject names: same kind, namespace and name. */
function checkIdentity(data: Record<string, unknown>, info: KindInfo, subject: string): void {
  if (data.kind !== info.kind) reject(`data.kind ${typeof data.kind === 'string' ? `"${clip(data.kind, 60)}"` : 'is missing and'} does not match the subject's kind ${info.kind}`);
  const md = data.metadata;
  if (!isRecord(md)) reject('data.metadata is missing or not an object');
  if (typeof md.name !== 'string' || md.name === '') reject('data.metadata.name is missing or empty');
  const ns = md.namespace;
  if (ns !== undefined && typeof ns !== 'string') reject('data.metadata.namespace is not a string');
  if (info.namespaced ? !ns : ns) reject(`data.metadata.namespace must be ${info.namespaced ? 'set' : 'empty'} for kind ${info.kind}`);
  const tail = `.obj.${info.token}.${info.namespaced ? encodeToken(ns!) : '_'}.${encodeToken(md.name)}`;
  if (!subject.endsWith(tail)) reject(`the object ${info.kind} ${ns ? `${clip(ns, 63)}/` : ''}${clip(md.name, 120)} does not belong on subject ${clip(subject, 120)}`);
}

/** Step 4: the kind's schema, counting only issues that break the data's shape; step 5 for what it does not know. */
function checkShape(data: Record<string, unknown>, info: KindInfo): void {
  const managed = (data.metadata as Record<string, unknown>).managedFields;
  // data sits at level 2 of the message; managedFields at 4.
  if (managed !== undefined) checkDepth(managed, MAX_EVENT_DEPTH - 3, 'data.metadata.managedFields');
  const r = kindSchema(info.kind).safeParse(data);
  if (r.success) return;
  const broken = r.error.issues.find(breaksShape);
  if (broken) reject(`data does not fit the ${info.kind} schema: ${fieldPath(broken.path) || '<root>'}: ${clip(broken.message, 120)}`);
  for (const i of r.error.issues) {
    if (i.code !== 'unrecognized_keys') continue;
    const parent = valueAt(data, i.path);
    for (const k of i.keys) checkDepth((parent as Record<string, unknown>)[k], MAX_EVENT_DEPTH - 2 - i.path.length, `data.${fieldPath([...i.path, k])}`);
  }
}

/** Step 5 for the fields of `o` (at `level` of the message) that no check above knows. */
function checkExtraDepth(o: Record<string, unknown>, known: ReadonlySet<string>, level: number): void {
  for (const k of Object.keys(o)) if (!known.has(k)) checkDepth(o[k], MAX_EVENT_DEPTH - level, k);
}

/** Rejects `v` when it nests more than `levels` objects or arrays (a walk of at most `levels` calls deep). */
function checkDepth(v: unknown, levels: number, where: string): void {
  if (deeperThan(v, levels)) reject(`not an event: ${clip(where, 80)} nests deeper than ${MAX_EVENT_DEPTH} levels in all`);
}

function deeperThan(v: unknown, levels: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (levels <= 0) return true;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (deeperThan(x, levels - 1)) return true;
  return false;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const p of path) cur = (cur as Record<PropertyKey, unknown>)[p];
  return cur;
}

/**
 * True when an issue means a reader would meet a value of the wrong type (or none where one is
 * required); false for broken rules (bounds, formats, enums, refinements, unknown keys).
 */
export function breaksShape(i: z.core.$ZodIssue): boolean {
  switch (i.code) {
    case 'invalid_type':
      return true;
    case 'invalid_union':
      // A union breaks the shape only when every branch does (no branch: no discriminator matched).
      return i.errors.length === 0 || i.errors.every((branch) => branch.some(breaksShape));
    case 'invalid_key':
    case 'invalid_element':
      return i.issues.some(breaksShape);
    default:
      return false;
  }
}

function corrupt(seq: number, subject: string, reason: string): CorruptEvent {
  // One printable line: parse errors quote the input, which may be any bytes at all.
  // eslint-disable-next-line no-control-regex
  const printable = reason.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return { type: 'CorruptEvent', seq, subject, reason: clip(printable, MAX_REASON) };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return v === undefined ? 'missing' : `a ${typeof v}`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
