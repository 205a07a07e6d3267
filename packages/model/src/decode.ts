/** Turns zod's parse failures into Kubernetes-style Invalid errors with field paths. */
import type { z } from 'zod';
import { InvalidError, type StatusCause } from './errors.js';
import type { KindInfo, KindMap, KindName } from './kinds.js';
import { kindSchema } from './schemas/bykind.js';

/** How unknown fields are treated, as Kubernetes' `fieldValidation` query parameter. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The result of a decode: the typed object plus warnings about dropped fields. */
export interface Decoded<T> {
  object: T;
  warnings: string[];
}

/** Formats a zod path the way Kubernetes names fields: `spec.containers[0].image`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function causesOf(issues: readonly z.core.$ZodIssue[]): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const i of issues) {
    const base = fieldPath(i.path);
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) causes.push({ reason: 'FieldValueNotSupported', field: base ? `${base}.${k}` : k, message: `unknown field "${base ? `${base}.${k}` : k}"` });
    } else if (i.code === 'invalid_union' && i.errors.length > 0) {
      // Report the branch that got furthest, so the message names the real field.
      const best = [...i.errors].sort((a, b) => b.length - a.length)[0]!;
      const nested = causesOf(best.map((e) => ({ ...e, path: [...i.path, ...e.path] })));
      causes.push(...(nested.length ? nested : [{ reason: 'FieldValueInvalid', field: base, message: i.message }]));
    } else {
      const missing = i.code === 'invalid_type' && i.message.includes('received undefined');
      causes.push({
        reason: missing ? 'FieldValueRequired' : i.code === 'invalid_type' ? 'FieldValueTypeInvalid' : 'FieldValueInvalid',
        field: base || '<root>',
        message: missing ? 'Required value' : i.message,
      });
    }
  }
  return causes;
}

function dropKeys(obj: unknown, path: readonly PropertyKey[], keys: readonly string[]): void {
  let cur: unknown = obj;
  for (const p of path) cur = (cur as Record<PropertyKey, unknown>)?.[p];
  if (cur && typeof cur === 'object') for (const k of keys) delete (cur as Record<string, unknown>)[k];
}

/**
 * Validates `body` against the kind's schema and returns it as the kind's type. Unknown fields are
 * rejected (Strict), or dropped with a warning (Warn, Ignore). Throws InvalidError naming every
 * bad field.
 */
export function decode<K extends KindName>(info: KindInfo<K>, body: unknown, mode?: FieldValidation): Decoded<KindMap[K]>;
/**
 * The same, typed by the caller: kept while the admission code still passes a type argument
 * (`decode<KObject>`); prefer the form above, whose type follows from `info`.
 */
export function decode<T>(info: KindInfo, body: unknown, mode?: FieldValidation): Decoded<T>;
export function decode(info: KindInfo, body: unknown, mode: FieldValidation = 'Strict'): Decoded<unknown> {
  const name = nameOf(body);
  let input = body;
  const warnings: string[] = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    const r = kindSchema(info.kind).safeParse(input);
    if (r.success) return { object: r.data, warnings };
    const unknown = r.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (mode !== 'Strict' && unknown.length > 0 && unknown.length === r.error.issues.length) {
      if (input === body) input = structuredClone(body);
      for (const u of unknown) {
        dropKeys(input, u.path, u.keys);
        if (mode === 'Warn') for (const k of u.keys) warnings.push(`unknown field "${[fieldPath(u.path), k].filter(Boolean).join('.')}"`);
      }
      continue;
    }
    throw new InvalidError(info.kind, name, causesOf(r.error.issues));
  }
  throw new InvalidError(info.kind, name, [{ reason: 'FieldValueInvalid', field: '<root>', message: 'too many unknown fields' }]);
}

function nameOf(body: unknown): string {
  const md = (body as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof md?.name === 'string' ? md.name : '';
}

/** `body` parsed by `schema` (a request body that is no kind's object), or a 422 Invalid error of `kind` naming each bad field. */
export function parseBody<T>(schema: z.ZodType<T>, kind: string, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  throw new InvalidError(kind, '', causesOf(r.error.issues));
}
