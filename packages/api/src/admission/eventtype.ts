/** Names the fact an update records, so the log reads as what happened, not just "replaced". */
import { type EventType, type KindInfo, type KObject, sameJson } from '@wharf/model';

type Spec = { replicas?: number; unschedulable?: boolean } | undefined;

/** The event type for a change of the main resource from `current` to `next`. */
export function updateEventType(info: KindInfo, current: KObject, next: KObject): EventType {
  const a = current.spec as Spec;
  const b = next.spec as Spec;
  if (info.kind === 'ReplicationController' && a?.replicas !== b?.replicas) {
    const rest = (s: Spec) => ({ ...s, replicas: 0 });
    if (sameJson(rest(a), rest(b)) && sameJson(current.metadata.labels, next.metadata.labels)) return 'ReplicationControllerScaled';
  }
  if (info.kind === 'Node' && !!a?.unschedulable !== !!b?.unschedulable) return b?.unschedulable ? 'NodeCordoned' : 'NodeUncordoned';
  return `${info.kind}Replaced`;
}

/** True when two versions of an object are the same apart from resourceVersion. */
export function sameObject(a: KObject, b: KObject): boolean {
  const strip = (o: KObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return sameJson(strip(a), strip(b));
}
