/**
 * NodeRestriction, as Kubernetes' admission plugin confines a kubelet: a node may register and
 * report only its own Node, report the status of pods bound to it, and record the deletion of
 * such a pod once it is terminating. Pure: the node relay of wharf-api asks it about every
 * write a node sends, with the node's name taken from the request's subject.
 */
import type { ForbiddenError } from '../errors.js';
import type { KObject } from '../object.js';
import { sameJson } from '../object.js';
import { forbidden } from './forbidden.js';

/** One write a node asks for: the object as it is (undefined: none) and as the node proposes it. */
export interface NodeWrite {
  /** The node that asks (from the relay subject, never from the request body). */
  node: string;
  kind: string;
  current: KObject | undefined;
  proposed: KObject;
  /** The event type the node asks to record. */
  type: string;
}

/** Label prefixes (domains) a kubelet may set under kubernetes.io and k8s.io, as Kubernetes' kubeletapis. */
const KUBELET_LABEL_DOMAINS = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
/** Labels a kubelet may set under kubernetes.io and k8s.io. */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
]);

const domainOf = (key: string) => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const under = (domain: string, root: string) => domain === root || domain.endsWith(`.${root}`);

/** True when a node may set (add, change or remove) the label `key` on its own Node (Kubernetes' rule). */
export function nodeMaySetLabel(key: string): boolean {
  const domain = domainOf(key);
  if (under(domain, 'node-restriction.kubernetes.io')) return false;
  if (!under(domain, 'kubernetes.io') && !under(domain, 'k8s.io')) return true;
  return KUBELET_LABELS.has(key) || KUBELET_LABEL_DOMAINS.some((d) => under(domain, d));
}

/** The keys whose values differ between two label maps. */
function changedKeys(a: Record<string, string> = {}, b: Record<string, string> = {}): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

/** The object without what the store sets (resourceVersion, managedFields) and what `drop` names. */
function comparable(o: KObject, drop: { status?: boolean; labelsAndAnnotations?: boolean }): unknown {
  const { resourceVersion: _rv, managedFields: _mf, labels, annotations, ...metadata } = o.metadata;
  const { status, ...rest } = o as KObject & { status?: unknown };
  return { ...rest, metadata: drop.labelsAndAnnotations ? metadata : { ...metadata, labels, annotations }, ...(drop.status ? {} : { status }) };
}

/** True when `a` and `b` differ only where `drop` says. */
const sameBut = (a: KObject, b: KObject, drop: { status?: boolean; labelsAndAnnotations?: boolean }) => sameJson(comparable(a, drop), comparable(b, drop));

const podRef = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * Decides a node's write: undefined allows it, else the ForbiddenError to answer with
 * (`pods "web-1" is forbidden: node "n1" is not allowed to modify pod "default/web-1": ...`).
 */
export function nodeRestriction(w: NodeWrite): ForbiddenError | undefined {
  if (w.kind === 'Node') return nodeWrite(w);
  if (w.kind === 'Pod') return podWrite(w);
  const name = w.proposed.metadata?.name ?? '';
  return forbidden(`${w.kind.toLowerCase()}s`, '', name, `node "${w.node}" is not allowed to write ${w.kind} objects`);
}

/** Decides a node's read: a node may read only its own Node and the pods bound to it. */
export function nodeMayRead(node: string, object: KObject): ForbiddenError | undefined {
  if (object.kind === 'Node') return object.metadata.name === node ? undefined : forbidden('nodes', '', object.metadata.name, `node "${node}" is not allowed to read node "${object.metadata.name}"`);
  if (object.kind === 'Pod') {
    const bound = (object.spec as { nodeName?: string } | undefined)?.nodeName;
    return bound === node ? undefined : forbidden('pods', '', object.metadata.name, `node "${node}" is not allowed to read pod "${podRef(object)}": ${bound ? `it is bound to node "${bound}"` : 'it is not bound to a node'}`);
  }
  return forbidden(`${object.kind.toLowerCase()}s`, '', object.metadata.name, `node "${node}" is not allowed to read ${object.kind} objects`);
}

/** Why a node may not touch its pod CIDR: the cluster (the nodeipam reconciler) assigns it. */
const podCIDRWhy = 'set or change its pod CIDR (spec.podCIDR, spec.podCIDRs): the cluster assigns it';

function nodeWrite({ node, current, proposed, type }: NodeWrite): ForbiddenError | undefined {
  const name = proposed.metadata.name;
  const deny = (why: string) => forbidden('nodes', '', name, `node "${node}" is not allowed to ${why}`);
  if (name !== node || (current && current.metadata.name !== node)) return deny(`modify node "${name}"`);
  const labels = changedKeys(current?.metadata.labels, proposed.metadata.labels).filter((k) => !nodeMaySetLabel(k));
  if (labels.length) return deny(`modify labels: ${labels.join(', ')}`);
  if (type === 'NodeRegistered') {
    if (current) return deny(`register node "${name}": it is already registered`);
    const m = proposed.metadata;
    if (m.deletionTimestamp || m.ownerReferences?.length || m.finalizers?.length) return deny(`register node "${name}" with deletionTimestamp, ownerReferences or finalizers`);
    const { taints: _t, ...spec } = (proposed.spec ?? {}) as Record<string, unknown>;
    if (spec.podCIDR !== undefined || spec.podCIDRs !== undefined) return deny(podCIDRWhy);
    if (Object.keys(spec).length) return deny(`set ${Object.keys(spec).sort().map((k) => `spec.${k}`).join(', ')} of node "${name}"`);
    return undefined;
  }
  if (type !== 'NodeStatusUpdated') return deny(`record ${type} for node "${name}"`);
  if (!current) return deny(`update node "${name}": it is not registered`);
  const before = (current.spec ?? {}) as { taints?: unknown; podCIDR?: unknown; podCIDRs?: unknown };
  const after = (proposed.spec ?? {}) as { taints?: unknown; podCIDR?: unknown; podCIDRs?: unknown };
  if (!sameJson(before.taints ?? [], after.taints ?? [])) return deny('modify taints');
  if (!sameJson(before.podCIDR ?? '', after.podCIDR ?? '') || !sameJson(before.podCIDRs ?? [], after.podCIDRs ?? [])) return deny(podCIDRWhy);
  if (!sameJson(before, after)) return deny(`modify spec of node "${name}"`);
  if (!sameBut(current, proposed, { status: true, labelsAndAnnotations: true })) return deny(`modify metadata of node "${name}" other than labels and annotations`);
  return undefined;
}

function podWrite({ node, current, proposed, type }: NodeWrite): ForbiddenError | undefined {
  const name = proposed.metadata.name;
  const ref = podRef(proposed);
  const deny = (why: string) => forbidden('pods', '', name, `node "${node}" is not allowed to ${why}`);
  if (!current) return deny(`modify pod "${ref}": it does not exist`);
  const bound = (current.spec as { nodeName?: string }).nodeName;
  if (bound !== node) return deny(`modify pod "${ref}": ${bound ? `it is bound to node "${bound}"` : 'it is not bound to a node'}`);
  if (type === 'PodStatusUpdated') {
    return sameBut(current, proposed, { status: true }) ? undefined : deny(`modify pod "${ref}": a status update may change only .status`);
  }
  if (type === 'PodDeleted') {
    if (!current.metadata.deletionTimestamp) return deny(`delete pod "${ref}": it is not terminating`);
    return sameBut(current, proposed, {}) ? undefined : deny(`delete pod "${ref}": the deletion must record the pod as it is`);
  }
  return deny(`record ${type} for pod "${ref}"`);
}
