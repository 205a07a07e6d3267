/**
 * What the endpoint controller writes for one Service name (pure): create, update or delete its
 * Endpoints, or nothing. Level-based: it looks at the Service, the current Endpoints and the
 * pods, never at the event that woke it.
 */
import { type Endpoints, type EndpointSubset, type Pod, sameJson, type Service, type Stored } from '@wharf/model';
import { desiredSubsets } from './decide.js';

/** Annotation on the Endpoints this controller maintains (hand-written ones lack it). */
export const MANAGED_BY = 'endpoints.wharf.io/managed-by';
/** The value of MANAGED_BY. */
export const CONTROLLER = 'endpoint-controller';

/** One write, or none. */
export type EndpointsPlan =
  | { action: 'none' }
  | { action: 'create' | 'update'; endpoints: Stored<Endpoints>; reason: string }
  | { action: 'delete'; endpoints: Stored<Endpoints>; reason: string };

function count(subsets: readonly EndpointSubset[]): string {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  return `${ready} ready, ${notReady} not ready`;
}

/**
 * Plans the Endpoints named like the Service (`fresh`: time and uid for a new object). `svc` undefined means the Service is gone: its
 * Endpoints go too. A Service without a selector keeps whatever Endpoints were written by hand.
 */
export function planEndpoints(svc: Stored<Service> | undefined, current: Stored<Endpoints> | undefined, pods: readonly Pod[], fresh: { now: string; uid: string }): EndpointsPlan {
  if (!svc) return current ? { action: 'delete', endpoints: current, reason: 'service deleted' } : { action: 'none' };
  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return { action: 'none' };
  const subsets = desiredSubsets(svc, pods);
  const labels = svc.metadata.labels ?? {};
  if (!current) {
    const endpoints: Stored<Endpoints> = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: svc.metadata.name,
        namespace: svc.metadata.namespace ?? 'default',
        ...(Object.keys(labels).length ? { labels: { ...labels } } : {}),
        annotations: { [MANAGED_BY]: CONTROLLER },
        uid: fresh.uid,
        creationTimestamp: fresh.now,
      },
      ...(subsets.length ? { subsets } : {}),
    };
    return { action: 'create', endpoints, reason: count(subsets) };
  }
  const sameSubsets = sameJson(current.subsets ?? [], subsets);
  const sameLabels = sameJson(current.metadata.labels ?? {}, labels);
  const managed = current.metadata.annotations?.[MANAGED_BY] === CONTROLLER;
  if (sameSubsets && sameLabels && managed) return { action: 'none' };
  const metadata = { ...current.metadata, annotations: { ...current.metadata.annotations, [MANAGED_BY]: CONTROLLER } };
  if (Object.keys(labels).length) metadata.labels = { ...labels };
  else delete metadata.labels;
  const endpoints: Stored<Endpoints> = { ...current, metadata };
  if (subsets.length) endpoints.subsets = subsets;
  else delete endpoints.subsets;
  return { action: 'update', endpoints, reason: count(subsets) };
}
