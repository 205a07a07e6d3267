/**
 * Which controllers to look at when the projection changes (pure): a controller when it changes;
 * the owner of a pod that changes (before and after); and, for an orphan pod, every controller of
 * its namespace whose selector matches its labels (it may be adopted).
 */
import { type Change, isChangeOf, listObjects, type State } from '@wharf/model';
import { objectKey } from '../controller/keys.js';
import { controllerOf, selects } from './pods.js';

/** The work-queue key of a controller. */
export function rcKey(namespace: string | undefined, name: string): string {
  return objectKey('ReplicationController', namespace, name);
}

/** Keys of every controller in `state`. */
export function allControllerKeys(state: State): string[] {
  return listObjects(state, 'ReplicationController').map((o) => rcKey(o.metadata.namespace, o.metadata.name));
}

/** Maps one change to the controllers it concerns. */
export function replicationWatch(c: Change, state: State): string[] | undefined {
  if (c.object.kind === 'ReplicationController') return [rcKey(c.object.metadata.namespace, c.object.metadata.name)];
  if (!isChangeOf(c, 'Pod')) return undefined;
  const ns = c.object.metadata.namespace;
  const keys = new Set<string>();
  const now = c.type === 'DELETED' ? undefined : c.object;
  for (const p of [now, c.previous]) {
    if (!p) continue;
    const ref = controllerOf(p);
    if (ref?.kind === 'ReplicationController') keys.add(rcKey(ns, ref.name));
  }
  if (now && !controllerOf(now)) {
    for (const rc of listObjects(state, 'ReplicationController', ns)) {
      if (selects(rc.spec.selector, now.metadata.labels)) keys.add(rcKey(ns, rc.metadata.name));
    }
  }
  return [...keys];
}
