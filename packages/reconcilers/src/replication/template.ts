/** A pod made from a replication controller's template (pure: uid and time come in). */
import { type OwnerReference, type Pod, qosClass, type ReplicationController, type Stored } from '@wharf/model';
import { timestamp } from './pods.js';

/** The ownerReference that makes `rc` the controller of a pod. */
export function controllerRef(rc: Stored<ReplicationController>): OwnerReference {
  return { apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name, uid: rc.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The pod for slot name `name`: the template's labels, annotations and spec, owned by `rc`. */
export function podFromTemplate(rc: Stored<ReplicationController>, name: string, uid: string, now: number): Stored<Pod> {
  const t = rc.spec.template!;
  const md = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: rc.metadata.namespace ?? 'default',
      uid,
      creationTimestamp: timestamp(now),
      generation: 1,
      ...(md.labels ? { labels: { ...md.labels } } : {}),
      ...(md.annotations ? { annotations: { ...md.annotations } } : {}),
      ownerReferences: [controllerRef(rc)],
    },
    spec: structuredClone(t.spec),
    status: { phase: 'Pending', qosClass: qosClass(t.spec) },
  };
}
