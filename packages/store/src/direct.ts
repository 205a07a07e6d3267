/**
 * Reads for components that hold no full projection (the agent, tests): an object's latest
 * version straight from the log. Their writes go through Objects without a projection.
 */
import type { EventStore } from './eventstore.js';
import { isDeletion, type KindInfo, type KObject, objectOf } from '@wharf/model';

/** The latest live version of one object, read from the log, or undefined. */
export async function readObject<T extends KObject>(store: EventStore, info: KindInfo, namespace: string | undefined, name: string): Promise<T | undefined> {
  const last = await store.last(store.subjects.object(info, namespace, name));
  if (!last || isDeletion(last.type)) return undefined;
  return objectOf(last) as T;
}
