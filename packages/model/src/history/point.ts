/**
 * Points in history: a revision (a stream sequence) or a time, as users write them: `42`,
 * `2025-01-01T10:00:00Z`, or relative to now like `10m`, `2h`, `3d`, `90s`.
 */
import { BadRequestError } from '../errors.js';

/** A point in the log: after a revision, or at a time (ms since epoch). */
export type Point = { revision: number } | { time: number };

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a revision, an RFC 3339 time or a relative age ("10m" = ten minutes before `now`); 400 on
 * anything else. An age reaching back before 1970 is 1970: no event is older.
 */
export function parsePoint(text: string, now = Date.now()): Point {
  const s = text.trim();
  if (/^\d+$/.test(s)) return { revision: Number(s) };
  const rel = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s);
  if (rel) return { time: Math.max(0, now - Number(rel[1]) * UNITS[rel[2]!]!) };
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return { time: t };
  }
  throw new BadRequestError(`invalid point in history "${text}": use a revision (42), an RFC 3339 time (2025-01-01T10:00:00Z) or an age (10m, 2h, 3d)`);
}

/** Parses an optional point; undefined or '' gives undefined. */
export function parseOptionalPoint(text: string | undefined, now = Date.now()): Point | undefined {
  return text === undefined || text === '' ? undefined : parsePoint(text, now);
}

/** Formats a point for messages. */
export function formatPoint(p: Point): string {
  return 'revision' in p ? `revision ${p.revision}` : new Date(p.time).toISOString();
}
