/** Query parameters of Kubernetes requests, parsed once with clear 400s for bad values. */
import { BadRequestError, type FieldValidation } from '@wharf/model';
import type { DeleteOptions } from '../admission/delete.js';

/** The query string, as fastify gives it. */
export type Query = Record<string, string | string[] | undefined>;

function one(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A string parameter. */
export const str = one;

/** A non-negative integer parameter, or undefined; a 400 past 2^53 - 1, where a number stops being exact (Kubernetes' are int64). */
export function int(q: Query, key: string): number | undefined {
  const v = one(q, key);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequestError(`invalid value for ${key}: "${v}" is not a non-negative integer`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new BadRequestError(`invalid value for ${key}: "${v}" is out of range (at most ${Number.MAX_SAFE_INTEGER})`);
  return n;
}

/** A boolean parameter ("true"/"1"). */
export function bool(q: Query, key: string): boolean {
  const v = one(q, key);
  return v === 'true' || v === '1' || v === '';
}

/** fieldValidation: Strict (default), Warn or Ignore. */
export function fieldValidation(q: Query): FieldValidation {
  const v = one(q, 'fieldValidation') ?? 'Strict';
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') throw new BadRequestError(`fieldValidation must be one of Strict, Warn, Ignore; got "${v}"`);
  return v;
}

/** dryRun=All. */
export function dryRun(q: Query): boolean {
  const v = one(q, 'dryRun');
  if (v === undefined) return false;
  if (v !== 'All') throw new BadRequestError(`dryRun must be "All"; got "${v}"`);
  return true;
}

/** DeleteOptions from the query and an optional body. */
export function deleteOptions(q: Query, body: unknown): DeleteOptions {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const opts: DeleteOptions = {};
  const grace = int(q, 'gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    if (!Number.isSafeInteger(grace) || (grace as number) < 0) throw new BadRequestError(`gracePeriodSeconds must be a non-negative integer; got ${JSON.stringify(grace)}`);
    opts.gracePeriodSeconds = grace as number;
  }
  const policy = one(q, 'propagationPolicy') ?? (b.propagationPolicy as string | undefined) ?? (bool(q, 'orphanDependents') || b.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') throw new BadRequestError(`propagationPolicy must be Orphan, Background or Foreground; got "${policy}"`);
    opts.propagationPolicy = policy;
  }
  if (b.preconditions && typeof b.preconditions === 'object') opts.preconditions = b.preconditions as DeleteOptions['preconditions'] & object;
  return opts;
}
