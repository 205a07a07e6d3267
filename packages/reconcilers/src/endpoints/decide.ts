/**
 * The endpoints decision (pure): from a Service and the pods of its namespace to the subsets its
 * Endpoints should list. A pod is its own address (`status.podIP`, on its node's pod network);
 * each service port maps to the pod's port for the service port's `targetPort` (a number as it
 * is, a name looked up in the pod's container ports). Subsets group pods with the same port
 * set, and everything is sorted, so equal inputs give equal output.
 */
import { type EndpointAddress, type EndpointSubset, matchesLabels, type Pod, selectorFromMap, type Service, type ServicePort } from '@wharf/model';

/** One resolved endpoint port: the service port's name and protocol with the pod's target port. */
export interface ResolvedPort {
  name?: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** True when the pod is Ready (condition Ready=True), running and not being deleted. */
export function podReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** True when the Service selects the pod (a Service without a selector selects nothing). */
export function serviceSelects(svc: Service, pod: Pod): boolean {
  const sel = svc.spec.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  if ((pod.metadata.namespace ?? 'default') !== (svc.metadata.namespace ?? 'default')) return false;
  return matchesLabels(selectorFromMap(sel), pod.metadata.labels);
}

/** The container port number a targetPort names on this pod (numbers stand for themselves). */
export function containerPortOf(pod: Pod, target: number | string, protocol: string): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of pod.spec.containers) {
    const p = c.ports?.find((x) => x.name === target && (x.protocol ?? 'TCP') === protocol);
    if (p) return p.containerPort;
  }
  return undefined;
}

/** The pod's port for one service port (its targetPort, default its port), if the pod has it. */
export function targetPortFor(pod: Pod, sp: ServicePort): ResolvedPort | undefined {
  const protocol = sp.protocol ?? 'TCP';
  const port = containerPortOf(pod, sp.targetPort ?? sp.port, protocol);
  if (port === undefined) return undefined;
  return { ...(sp.name ? { name: sp.name } : {}), port, protocol };
}

function address(pod: Pod): EndpointAddress {
  const a: EndpointAddress = {
    ip: pod.status!.podIP!,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
  };
  if (pod.spec.nodeName) a.nodeName = pod.spec.nodeName;
  return a;
}

const byAddress = (a: EndpointAddress, b: EndpointAddress) => cmp(a.ip, b.ip) || cmp(a.targetRef?.name ?? '', b.targetRef?.name ?? '');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The subsets of the Service's Endpoints: selected pods that have a pod IP and a port for at
 * least one service port. Ready pods are `addresses`, the others `notReadyAddresses`;
 * terminating and finished pods, and pods without a pod IP yet, are left out.
 */
export function desiredSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const groups = new Map<string, { ports: ResolvedPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!serviceSelects(svc, pod) || !pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const ports = (svc.spec.ports ?? []).map((sp) => targetPortFor(pod, sp)).filter((p): p is ResolvedPort => !!p);
    if (ports.length === 0) continue;
    ports.sort((a, b) => cmp(a.name ?? '', b.name ?? '') || a.port - b.port);
    const key = ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',');
    const g = groups.get(key) ?? { ports, ready: [], notReady: [] };
    groups.set(key, g);
    (podReady(pod) ? g.ready : g.notReady).push(address(pod));
  }
  const subsets: EndpointSubset[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(byAddress);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byAddress);
    s.ports = g.ports;
    subsets.push(s);
  }
  return subsets;
}
