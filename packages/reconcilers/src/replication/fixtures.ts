/** Test fixtures for the replication controller: controllers and pods as plain data. */
import type { Pod, ReplicationController, Stored } from '@wharf/model';

/** A controller `web` (uid rc-uid) selecting app=web with `replicas`. */
export function rcFixture(replicas: number, extra: Partial<NonNullable<ReplicationController['status']>> = {}): Stored<ReplicationController> {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', uid: 'rc-uid', generation: 1, resourceVersion: '10' },
    spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    status: { replicas: 0, ...extra },
  };
}

/** Options of podFixture. */
export interface PodOpts {
  owner?: string | undefined;
  labels?: Record<string, string>;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  terminating?: boolean;
  node?: string;
  created?: string;
}

/** A pod named `name` (uid `uid-<name>`), by default owned by `web`, labelled app=web, Running and ready on node-a. */
export function podFixture(name: string, o: PodOpts = {}): Stored<Pod> {
  const owner = 'owner' in o ? o.owner : 'rc-uid';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '5',
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
      labels: o.labels ?? { app: 'web' },
      ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: owner, controller: true }] } : {}),
      ...(o.terminating ? { deletionTimestamp: '2024-01-01T00:00:30Z' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node === '' ? {} : { nodeName: o.node ?? 'node-a' }) },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: (o.ready ?? true) ? 'True' : 'False' }] },
  };
}
