/**
 * Kubernetes Event objects derived from the log, a pure function of one logged event and the
 * object's previous version: Scheduled, FailedScheduling, Pulled/Created/Started, BackOff,
 * Killing, SuccessfulCreate/SuccessfulDelete (on the owning RC), NodeReady/NodeNotReady,
 * CIDRNotAvailable...
 * Names are deterministic (`<object>.<seq hex>.<n>`), so deriving twice gives the same objects.
 */
import type { LoggedEvent } from '../events.js';
import { isCreation, isDeletion } from '../events.js';
import { isKind, type KObject, type Stored } from '../object.js';
import type { Node } from '../schemas/cluster.js';
import type { Event } from '../schemas/event.js';
import type { OwnerReference } from '../schemas/meta.js';
import type { ContainerStatus, Pod } from '../schemas/pod.js';

interface Draft {
  on: { kind: string; namespace: string; name: string; uid?: string | undefined };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string | undefined;
}

/** Components whose pod deletions are evictions (a node went away), not a kubelet finishing a deletion. */
const EVICTORS = new Set(['system:node-lifecycle', 'system:node-controller', 'system:taint-manager']);

function statuses(p: Pod | undefined): Map<string, ContainerStatus> {
  return new Map((p?.status?.containerStatuses ?? []).map((c) => [c.name, c]));
}

function readyOf(n: Node | undefined): string | undefined {
  return n?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function controllerOf(pod: Pod): OwnerReference | undefined {
  return (pod.metadata.ownerReferences ?? []).find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
}

function podDrafts(e: LoggedEvent, pod: Stored<Pod>, prev: Pod | undefined): Draft[] {
  const ns = pod.metadata.namespace ?? '';
  const me = { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid };
  const node = pod.spec.nodeName;
  const kubelet = (reason: string, message: string, type: Draft['type'] = 'Normal'): Draft => ({ on: me, type, reason, message, component: 'kubelet', host: node });
  const out: Draft[] = [];
  const owner = controllerOf(pod);
  if (e.type === 'PodBound') out.push({ on: me, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${ns}/${pod.metadata.name} to ${node ?? '?'}`, component: 'default-scheduler' });
  if (e.type === 'PodScheduleFailed') {
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    out.push({ on: me, type: 'Warning', reason: 'FailedScheduling', message: cond?.message ?? e.metadata.reason ?? 'no node fits', component: 'default-scheduler' });
  }
  if (owner && e.metadata.actor.startsWith('system:') && owner.kind === 'ReplicationController') {
    const rc = { kind: owner.kind, namespace: ns, name: owner.name, uid: owner.uid };
    if (isCreation(e.type)) out.push({ on: rc, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component: 'replication-controller' });
    if (isDeletion(e.type) && e.metadata.actor === 'system:replication-controller') out.push({ on: rc, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component: 'replication-controller' });
  }
  if (e.type === 'PodDeletionRequested' && node) {
    for (const c of pod.spec.containers) out.push(kubelet('Killing', `Stopping container ${c.name}`));
  }
  if (isDeletion(e.type) && EVICTORS.has(e.metadata.actor)) {
    out.push({ on: me, type: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${ns}/${pod.metadata.name}${e.metadata.reason ? `: ${e.metadata.reason}` : ''}`, component: e.metadata.actor.slice(7) });
  }
  if (!e.type.endsWith('StatusUpdated')) return out;
  const before = statuses(prev);
  const images = new Map(pod.spec.containers.map((c) => [c.name, c.image]));
  for (const [name, now] of statuses(pod)) {
    const was = before.get(name);
    const started = (s: ContainerStatus | undefined) => Boolean(s?.state?.running || s?.state?.terminated);
    const restarted = was !== undefined && now.restartCount > was.restartCount;
    if (started(now) && (!started(was) || restarted)) {
      if (!was || !started(was)) out.push(kubelet('Pulled', `Container image "${images.get(name) ?? now.image}" already present on machine`));
      out.push(kubelet('Created', `Created container ${name}`), kubelet('Started', `Started container ${name}`));
    }
    const waiting = now.state?.waiting?.reason;
    if (waiting && waiting !== was?.state?.waiting?.reason) {
      if (waiting === 'CrashLoopBackOff') out.push(kubelet('BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${ns}(${pod.metadata.uid ?? ''})`, 'Warning'));
      if (waiting === 'ImagePullBackOff') out.push(kubelet('BackOff', `Back-off pulling image "${images.get(name) ?? now.image}"`, 'Warning'));
      if (waiting === 'ErrImagePull') out.push(kubelet('Failed', `Failed to pull image "${images.get(name) ?? now.image}": ${now.state?.waiting?.message ?? ''}`.trim(), 'Warning'));
    }
  }
  return out;
}

function nodeDrafts(e: LoggedEvent, node: Stored<Node>, prev: Node | undefined): Draft[] {
  // As the kubelet does, node events name the node as uid: kubectl describe node searches by it.
  const me = { kind: 'Node', namespace: '', name: node.metadata.name, uid: node.metadata.name };
  const d = (reason: string, message: string, component = 'node-controller'): Draft => ({ on: me, type: 'Normal', reason, message, component, host: node.metadata.name });
  if (e.type === 'NodeRegistered') return [d('RegisteredNode', `Node ${node.metadata.name} event: Registered Node ${node.metadata.name} in Controller`)];
  if (e.type === 'NodeCordoned') return [d('NodeNotSchedulable', `Node ${node.metadata.name} status is now: NodeNotSchedulable`, 'kubelet')];
  if (e.type === 'NodeUncordoned') return [d('NodeSchedulable', `Node ${node.metadata.name} status is now: NodeSchedulable`, 'kubelet')];
  // As kube-controller-manager's range allocator records it (nodeutil.RecordNodeStatusChange).
  if (e.type === 'NodeCIDRNotAvailable') return [d('CIDRNotAvailable', `Node ${node.metadata.name} status is now: CIDRNotAvailable`, 'cidrAllocator')];
  const now = readyOf(node);
  const was = readyOf(prev);
  if (now === was || now === undefined || isDeletion(e.type)) return [];
  if (now === 'True') return [d('NodeReady', `Node ${node.metadata.name} status is now: NodeReady`, 'kubelet')];
  return was === 'True' || was === undefined ? [d('NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`)] : [];
}

/** The Kubernetes Events one logged event gives rise to; `previous` is the object's version before it. */
export function deriveEvents(e: LoggedEvent, previous: KObject | undefined): Stored<Event>[] {
  const obj = e.data;
  const drafts = isKind(obj, 'Pod') ? podDrafts(e, obj, previous && isKind(previous, 'Pod') ? previous : undefined) : isKind(obj, 'Node') ? nodeDrafts(e, obj, previous && isKind(previous, 'Node') ? previous : undefined) : [];
  return drafts.map((d, i) => {
    const namespace = d.on.namespace || 'default';
    const name = `${d.on.name}.${e.seq.toString(16)}.${i}`;
    const ev: Stored<Event> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: `ev-${e.seq}-${i}`, resourceVersion: String(e.seq), creationTimestamp: e.metadata.time },
      involvedObject: { kind: d.on.kind, apiVersion: 'v1', name: d.on.name, ...(d.on.namespace ? { namespace: d.on.namespace } : {}), ...(d.on.uid ? { uid: d.on.uid } : {}), resourceVersion: String(e.seq) },
      reason: d.reason,
      message: d.message,
      source: { component: d.component, ...(d.host ? { host: d.host } : {}) },
      firstTimestamp: e.metadata.time,
      lastTimestamp: e.metadata.time,
      count: 1,
      type: d.type,
      reportingComponent: d.component,
      reportingInstance: d.host ?? '',
    };
    return ev;
  });
}

/** Derives the events of a sequence of logged events, tracking each object's previous version. */
export function deriveAll(events: Iterable<LoggedEvent>, previous = new Map<string, KObject>()): Stored<Event>[] {
  const out: Stored<Event>[] = [];
  for (const e of events) {
    out.push(...deriveEvents(e, previous.get(e.subject)));
    if (isDeletion(e.type)) previous.delete(e.subject);
    else previous.set(e.subject, e.data);
  }
  return out;
}
