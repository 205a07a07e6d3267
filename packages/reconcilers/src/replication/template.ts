/** A pod made from a replication controller's template (pure: uid and time come in). */
import { type KObject, type Pod, qosClass, type ReplicationController } from '@wharf/model';
import { timestamp } from './pods.js';

/** The pod for slot name `name`: the template's labels, annotations and spec, owned by `rc`. */
export function podFromTemplate(rc: ReplicationController, name: string, uid: string, now: number): Pod & KObject {
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
      ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name!, uid: rc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(t.spec),
    status: { phase: 'Pending', qosClass: qosClass(t.spec) },
  };
}
