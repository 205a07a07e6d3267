/**
 * The vocabulary of the write path: a decision is a pure function from the current version of an
 * object (and the time) to the next version and the event that records it. The store reads, calls
 * the decision, appends, and on a lost race reads and decides again.
 */
import { NotFoundError } from '../errors.js';
import type { EventType } from '../events.js';
import type { KindInfo } from '../kinds.js';
import type { KObject } from '../object.js';

/** The next version of an object, the event type that records it (derived when absent) and, optionally, why. */
export interface Decision {
  object: KObject;
  type?: EventType;
  /** Overrides the writer's reason for this one event. */
  reason?: string;
}

/**
 * A pure decision: given the current version (undefined: there is none) and the time, the next
 * version, or undefined to write nothing; it throws to refuse (NotFound, Conflict, Invalid, ...).
 */
export type Decide<T extends KObject = KObject> = (current: T | undefined, now: Date) => Decision | undefined;

/** The event type of a decision: its own, else `${Kind}Created` for a new object and `${Kind}Replaced` for a change. */
export function decidedType(kind: string, current: KObject | undefined, d: Decision): EventType {
  return d.type ?? (current ? `${kind}Replaced` : `${kind}Created`);
}

/** A decision about an object that must exist: NotFound when there is none. */
export function existing<T extends KObject>(info: KindInfo, name: string, decide: (current: T, now: Date) => Decision | undefined): Decide<T> {
  return (current, now) => {
    if (!current) throw new NotFoundError(info.resource, name);
    return decide(current, now);
  };
}

/** A Kubernetes timestamp: RFC 3339 in UTC with second precision. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
