/**
 * The events of the log. Every desired-state change is one event on the changed object's subject.
 * Events are facts in the past tense and carry the whole object after the change, so that a
 * projection is a fold and any past state can be rebuilt by replaying up to a sequence.
 */
import type { KObject } from './object.js';

/** Who did it, when, and (for reconciler-emitted events) the sequence of the event that caused it. */
export interface EventMetadata {
  /** The authenticated user or component, e.g. "admin" or "system:scheduler". */
  actor: string;
  /** ISO-8601 time of the append. */
  time: string;
  /** Stream sequence of the event that triggered this one, when a reconciler emitted it. */
  cause?: number;
  /** A short human reason ("scaled from 3 to 5", "node node-2 NotReady"). */
  reason?: string;
}

/** Event type suffixes shared by all kinds: `${Kind}${Suffix}`. */
export type GenericChange = 'Created' | 'Replaced' | 'StatusUpdated' | 'DeletionRequested' | 'Deleted';

/** Event types that name a specific decision. */
export type SpecificEventType =
  | 'PodBound'
  | 'PodScheduleFailed'
  | 'PodAdopted'
  | 'PodReleased'
  | 'ReplicationControllerScaled'
  | 'NodeRegistered'
  | 'NodeCordoned'
  | 'NodeUncordoned'
  | 'NodeReadinessChanged'
  | 'NodePodCIDRAssigned'
  | 'NodeCIDRNotAvailable'
  | 'EndpointsUpdated';

/** The type of a stored event, e.g. "PodCreated" or "PodBound". */
export type EventType = `${string}${GenericChange}` | SpecificEventType;

/** One event as stored in the log. */
export interface StoredEvent<T extends KObject = KObject> {
  type: EventType;
  /** The object after the change; for *Deleted, the object as it was removed. */
  data: T;
  metadata: EventMetadata;
}

/** An event read back from the log, with its stream sequence and subject. */
export interface LoggedEvent<T extends KObject = KObject> extends StoredEvent<T> {
  seq: number;
  subject: string;
}

/** True when the event removes the object from the current state. */
export function isDeletion(type: string): boolean {
  return type.endsWith('Deleted');
}

/** True when the event creates the object. */
export function isCreation(type: string): boolean {
  return type.endsWith('Created') || type === 'NodeRegistered';
}

/** Maps an event onto the watch event type Kubernetes clients expect. */
export function watchType(type: string): 'ADDED' | 'MODIFIED' | 'DELETED' {
  return isCreation(type) ? 'ADDED' : isDeletion(type) ? 'DELETED' : 'MODIFIED';
}
