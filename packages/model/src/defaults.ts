/**
 * Server-side defaults, as the Kubernetes API server applies them, so that what is stored is
 * complete and every reader sees the same values.
 */
import type { ReplicationController } from './schemas/controller.js';
import type { Pod, PodSpec, PodTemplateSpec } from './schemas/pod.js';
import type { Service } from './schemas/service.js';
import type { Namespace, Node } from './schemas/cluster.js';
import { isKind, type KObject } from './object.js';
import { bytes, milliCPU } from './quantity.js';

/** The pull policy Kubernetes picks when none is given: Always for `:latest` or untagged images. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const last = image.split('/').pop() ?? image;
  if (last.includes('@')) return 'IfNotPresent';
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Fills a PodSpec's defaults in place. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers) {
    c.imagePullPolicy ??= defaultPullPolicy(c.image);
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    for (const probe of [c.livenessProbe, c.readinessProbe]) {
      if (!probe) continue;
      probe.timeoutSeconds ??= 1;
      probe.periodSeconds ??= 10;
      probe.successThreshold ??= 1;
      probe.failureThreshold ??= 3;
      if (probe.httpGet) {
        probe.httpGet.path ??= '/';
        probe.httpGet.scheme ??= 'HTTP';
      }
    }
  }
}

function defaultPod(p: Pod): void {
  defaultPodSpec(p.spec);
  p.status = { phase: 'Pending', qosClass: qosClass(p.spec), ...(p.status?.phase ? {} : {}) };
}

/** The QoS class Kubernetes derives from the non-zero cpu and memory requests and limits, compared by value. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const amount = { cpu: milliCPU, memory: bytes };
  let any = false;
  let guaranteed = true;
  for (const c of spec.containers) {
    const r = c.resources ?? {};
    for (const res of ['cpu', 'memory'] as const) {
      const lim = amount[res](r.limits?.[res]);
      const request = r.requests?.[res];
      const req = request === undefined ? lim : amount[res](request);
      if (req > 0 || lim > 0) any = true;
      if (lim === 0 || req !== lim) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultTemplate(t: PodTemplateSpec): void {
  defaultPodSpec(t.spec);
}

function defaultRC(rc: ReplicationController): void {
  rc.spec.replicas ??= 1;
  if (rc.spec.template) {
    defaultTemplate(rc.spec.template);
    const labels = rc.spec.template.metadata?.labels;
    if (!rc.spec.selector || Object.keys(rc.spec.selector).length === 0) rc.spec.selector = labels ? { ...labels } : {};
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) {
      if (labels) rc.metadata.labels = { ...labels };
    }
  }
  rc.status ??= { replicas: 0 };
}

function defaultService(s: Service): void {
  s.spec.type ??= 'ClusterIP';
  s.spec.sessionAffinity ??= 'None';
  for (const p of s.spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (s.spec.type === 'NodePort') s.spec.externalTrafficPolicy ??= 'Cluster';
  // clusterIPs mirrors clusterIP (single-stack IPv4): whichever the client gave fills the other.
  if (!s.spec.clusterIP && s.spec.clusterIPs?.length) s.spec.clusterIP = s.spec.clusterIPs[0];
  if (s.spec.clusterIP && !s.spec.clusterIPs?.length) s.spec.clusterIPs = [s.spec.clusterIP];
  s.status ??= { loadBalancer: {} };
}

function defaultNode(n: Node): void {
  // podCIDRs mirrors podCIDR (IPv4 only), as Kubernetes' conversion keeps them in step.
  const spec = n.spec;
  if (!spec) return;
  if (!spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
  if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
}

function defaultNamespace(n: Namespace): void {
  n.spec ??= { finalizers: ['kubernetes'] };
  n.status = { phase: 'Active' };
}

/** Applies the defaults of the object's kind in place (on a fresh, mutable copy). */
export function applyDefaults(o: KObject): void {
  if (isKind(o, 'Pod')) defaultPod(o);
  else if (isKind(o, 'ReplicationController')) defaultRC(o);
  else if (isKind(o, 'Service')) defaultService(o);
  else if (isKind(o, 'Namespace')) defaultNamespace(o);
  else if (isKind(o, 'Node')) defaultNode(o);
}
