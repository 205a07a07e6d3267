/** Table cells of every kind but Pod, following kube-apiserver's printers (always the wide form). */
import type { Namespace, Node } from '../schemas/cluster.js';
import type { ReplicationController } from '../schemas/controller.js';
import type { Event } from '../schemas/event.js';
import type { Endpoints, Service, ServicePort } from '../schemas/service.js';
import { ageSince } from './age.js';

/** Labels as kubectl's labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** Service ports as kubectl shows them: `3000:31234/TCP` with a nodePort, `3000/TCP` otherwise. */
export function formatServicePorts(ports: ServicePort[] | undefined): string {
  const parts = (ports ?? []).map((p) => {
    const proto = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  });
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** Cells: Name, Type, Cluster-IP, External-IP, Port(s), Age, Selector. */
export function serviceRow(svc: Service, now: Date): unknown[] {
  const spec = svc.spec;
  const clusterIP = spec.clusterIPs?.[0] || spec.clusterIP || '<none>';
  const external = spec.externalIPs?.length ? spec.externalIPs.join(',') : '<none>';
  return [svc.metadata.name, spec.type ?? 'ClusterIP', clusterIP, external, formatServicePorts(spec.ports), ageSince(svc.metadata.creationTimestamp, now), formatLabels(spec.selector)];
}

/** Cells: Name, Desired, Current, Ready, Age, Containers, Images, Selector. */
export function replicationControllerRow(rc: ReplicationController, now: Date): unknown[] {
  const containers = rc.spec.template?.spec.containers ?? [];
  return [
    rc.metadata.name,
    rc.spec.replicas ?? 1,
    rc.status?.replicas ?? 0,
    rc.status?.readyReplicas ?? 0,
    ageSince(rc.metadata.creationTimestamp, now),
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image).join(','),
    formatLabels(rc.spec.selector),
  ];
}

/** The roles a node's labels give it (node-role.kubernetes.io/X and kubernetes.io/role), sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].filter(Boolean).sort();
}

/** Cells: Name, Status, Roles, Age, Version, Internal-IP, External-IP, OS-Image, Kernel-Version, Container-Runtime. */
export function nodeRow(node: Node, now: Date): unknown[] {
  const st = node.status ?? {};
  const readyCond = st.conditions?.find((c) => c.type === 'Ready');
  const status = [readyCond ? (readyCond.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const addr = (type: string) => st.addresses?.find((a) => a.type === type)?.address ?? '<none>';
  const info = st.nodeInfo ?? {};
  const roles = nodeRoles(node);
  return [
    node.metadata.name,
    status.join(','),
    roles.length ? roles.join(',') : '<none>',
    ageSince(node.metadata.creationTimestamp, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

function hostPort(ip: string, port?: number): string {
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The ENDPOINTS cell: up to three `ip:port`, then ` + N more...`; `<none>` when there are none. */
export function formatEndpoints(ep: Endpoints): string {
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of ep.subsets ?? []) {
    const addresses = ss.addresses ?? [];
    const ports: (number | undefined)[] = ss.ports?.length ? ss.ports.map((p) => p.port) : [undefined];
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(hostPort(a.ip, port));
    }
  }
  if (list.length === 0) return '<none>';
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

/** Cells: Name, Endpoints, Age. */
export function endpointsRow(ep: Endpoints, now: Date): unknown[] {
  return [ep.metadata.name, formatEndpoints(ep), ageSince(ep.metadata.creationTimestamp, now)];
}

/** Cells: Name, Status, Age. */
export function namespaceRow(ns: Namespace, now: Date): unknown[] {
  return [ns.metadata.name, ns.status?.phase ?? 'Active', ageSince(ns.metadata.creationTimestamp, now)];
}

/** Cells: Last Seen, Type, Reason, Object, Subobject, Source, Message, First Seen, Count, Name. */
export function eventRow(ev: Event, now: Date): unknown[] {
  const first = ev.firstTimestamp ? ageSince(ev.firstTimestamp, now) : ageSince(ev.eventTime, now);
  const last = ev.lastTimestamp ? ageSince(ev.lastTimestamp, now) : first;
  const io = ev.involvedObject;
  const kind = (io.kind ?? '').toLowerCase();
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return [
    last,
    ev.type ?? '',
    ev.reason ?? '',
    io.name ? `${kind}/${io.name}` : kind,
    io.fieldPath ?? '',
    instance ? `${component}, ${instance}` : component,
    (ev.message ?? '').trim(),
    first,
    ev.count || 1,
    ev.metadata.name,
  ];
}
