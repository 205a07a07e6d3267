/**
 * Limits on a request body, checked while or right after it is parsed and before anything else
 * reads it, so that no body can exhaust the stack, the heap or the CPU, or reach
 * Object.prototype. Kubernetes bounds only the size (3 MiB) and JSON nesting (10,000); Wharf's
 * kinds nest about 8 deep, so 100 leaves room and keeps every recursive reader far from the
 * stack's end.
 */
import { BadRequestError, RequestEntityTooLargeError } from '@wharf/model';

/** What a body may hold. */
export interface BodyLimits {
  /** Bytes, as kube-apiserver: 3 MiB (413). */
  bytes: number;
  /** Objects and arrays inside one another, the outermost counting 1 (400). */
  depth: number;
  /** Object members and array items in the whole body, an aliased node counting each time it is used (413). */
  values: number;
  /** YAML aliases (`*name`) in the text, and the expansions yaml's maxAliasCount allows (400). */
  aliases: number;
}

/** The limits every request body is held to. */
export const BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({ bytes: 3 * 1024 * 1024, depth: 100, values: 100_000, aliases: 100 });

/** Keys no object built from input may have: they reach a prototype when code assigns or merges them. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The 400 of a body nested deeper than `limit`. */
export function tooDeep(limit: number): BadRequestError {
  return new BadRequestError(`the request body is nested more than ${limit} levels deep`);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Throws the 400 of tooDeep as soon as JSON text opens more than `limit` arrays and objects
 * inside one another: one pass over the characters, outside strings, before JSON.parse runs.
 * Malformed text may be miscounted; JSON.parse refuses it anyway, and assertSafeValue checks the
 * parsed value exactly.
 */
export function assertJsonNesting(text: string, limit = BODY_LIMITS.depth): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) throw tooDeep(limit);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
}

/** A value still to check, and where it is: its parent and its key there, for the message. */
interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | undefined;
  key: string | number;
}

/**
 * Checks a parsed body without recursion: nesting within `limits.depth` (a cycle, which YAML
 * aliases can make, counts as too deep), at most `limits.values` members and items, no key of
 * FORBIDDEN_KEYS, only finite numbers (YAML has .inf and .nan) and only plain objects and arrays.
 * Throws a 400 BadRequestError, or a 413 for too many values.
 */
export function assertSafeValue(value: unknown, limits: Readonly<BodyLimits> = BODY_LIMITS): void {
  const pending: Pending[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let values = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const v = next.value;
    if (typeof v === 'number' && !Number.isFinite(v)) throw new BadRequestError(`${where(next)} is ${String(v)}; numbers must be finite`);
    if (typeof v !== 'object' || v === null) continue;
    const depth = next.depth + 1;
    if (depth > limits.depth) throw tooDeep(limits.depth);
    if (Array.isArray(v)) {
      values += v.length;
      if (values > limits.values) throw tooMany(limits);
      for (let i = 0; i < v.length; i++) pending.push({ value: v[i], depth, parent: next, key: i });
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new BadRequestError(`${where(next)} is not a JSON value`);
    const keys = Object.keys(v);
    values += keys.length;
    if (values > limits.values) throw tooMany(limits);
    for (const k of keys) {
      if (FORBIDDEN_KEYS.has(k)) throw new BadRequestError(`${where(next)} has a field named "${k}", which no object may have`);
      pending.push({ value: (v as Record<string, unknown>)[k], depth, parent: next, key: k });
    }
  }
}

function tooMany(limits: Readonly<BodyLimits>): RequestEntityTooLargeError {
  return new RequestEntityTooLargeError(limits.bytes, `the request body has more than ${limits.values} members and items`);
}

/** "the request body" or "the request body's spec.containers[0]", as a field path reads. */
function where(at: Pending): string {
  let path = '';
  for (let p: Pending | undefined = at; p?.parent; p = p.parent) {
    const separator = path && !path.startsWith('[') ? '.' : '';
    path = (typeof p.key === 'number' ? `[${p.key}]` : p.key) + separator + path;
  }
  return path ? `the request body's ${path}` : 'the request body';
}
