/**
 * Semantic validation beyond the schema: unique names, references that must resolve, and the
 * rules Kubernetes checks before it stores an object. Returns causes; empty means valid.
 */
import type { StatusCause } from './errors.js';
import { isKind, type KObject } from './object.js';
import type { ReplicationController } from './schemas/controller.js';
import type { PodSpec } from './schemas/pod.js';
import type { Service } from './schemas/service.js';
import { DnsLabel, DnsSubdomain } from './schemas/meta.js';
import { isIpAddress, parseIpv4Cidr } from './net/ipv4.js';
import type { Node } from './schemas/cluster.js';

const invalid = (field: string, message: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message });
const duplicate = (field: string, value: string): StatusCause => ({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: "${value}"` });

/** Validates a PodSpec under `path`. */
export function validatePodSpec(spec: PodSpec, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    if (volumes.has(v.name)) out.push(duplicate(`${path}.volumes[${i}].name`, v.name));
    volumes.add(v.name);
  });
  const names = new Set<string>();
  const hostPorts = new Set<string>();
  spec.containers.forEach((c, i) => {
    const cp = `${path}.containers[${i}]`;
    if (names.has(c.name)) out.push(duplicate(`${cp}.name`, c.name));
    names.add(c.name);
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((p, j) => {
      if (p.name) {
        if (portNames.has(p.name)) out.push(duplicate(`${cp}.ports[${j}].name`, p.name));
        portNames.add(p.name);
      }
      if (p.hostPort) {
        const k = `${p.protocol ?? 'TCP'}/${p.hostPort}`;
        if (hostPorts.has(k)) out.push(duplicate(`${cp}.ports[${j}].hostPort`, String(p.hostPort)));
        hostPorts.add(k);
      }
    });
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumes.has(m.name)) out.push({ reason: 'FieldValueNotFound', field: `${cp}.volumeMounts[${j}].name`, message: `Not found: "${m.name}"` });
    });
  });
  return out;
}

function validateName(o: KObject, namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const name = o.metadata.name;
  if (!name) out.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'name or generateName is required' });
  else {
    const schema = o.kind === 'Namespace' ? DnsLabel : DnsSubdomain;
    const r = schema.safeParse(name);
    if (!r.success) out.push(invalid('metadata.name', `Invalid value: "${name}": ${r.error.issues[0]?.message}`));
  }
  if (namespaced && o.metadata.namespace) {
    const r = DnsLabel.safeParse(o.metadata.namespace);
    if (!r.success) out.push(invalid('metadata.namespace', `Invalid value: "${o.metadata.namespace}"`));
  }
  return out;
}

function validateRC(rc: ReplicationController): StatusCause[] {
  const out: StatusCause[] = [];
  const t = rc.spec.template;
  if (!t) return [{ reason: 'FieldValueRequired', field: 'spec.template', message: 'Required value' }];
  out.push(...validatePodSpec(t.spec, 'spec.template.spec'));
  const sel = rc.spec.selector ?? {};
  if (Object.keys(sel).length === 0) out.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
  const labels = t.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(sel)) {
    if (labels[k] !== v) {
      out.push(invalid('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``));
      break;
    }
  }
  if (t.spec.restartPolicy && t.spec.restartPolicy !== 'Always') {
    out.push({ reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: `Unsupported value: "${t.spec.restartPolicy}": supported values: "Always"` });
  }
  return out;
}

function validateService(s: Service): StatusCause[] {
  const out: StatusCause[] = [];
  const ports = s.spec.ports ?? [];
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) out.push({ reason: 'FieldValueRequired', field: `spec.ports[${i}].name`, message: 'Required value' });
    if (p.name) {
      if (names.has(p.name)) out.push(duplicate(`spec.ports[${i}].name`, p.name));
      names.add(p.name);
    }
    const k = `${p.protocol ?? 'TCP'}/${p.port}`;
    if (keys.has(k)) out.push(duplicate(`spec.ports[${i}]`, k));
    keys.add(k);
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (s.spec.type !== 'NodePort') out.push({ reason: 'FieldValueForbidden', field: `spec.ports[${i}].nodePort`, message: 'Forbidden: may not be used when `type` is \'ClusterIP\'' });
      else if (p.nodePort < 30000 || p.nodePort > 32767) out.push(invalid(`spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`));
    }
  });
  if (s.spec.type === 'NodePort' && ports.length === 0) out.push({ reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' });
  out.push(...clusterIPCauses(s));
  return out;
}

/** The clusterIP fields on their own (the range and who holds an IP are the allocator's). */
function clusterIPCauses(s: Service): StatusCause[] {
  const out: StatusCause[] = [];
  const ip = s.spec.clusterIP ?? '';
  const ips = s.spec.clusterIPs ?? [];
  if (ip !== '' && ip !== 'None' && !isIpAddress(ip)) out.push(invalid('spec.clusterIP', `Invalid value: "${ip}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`));
  if (ip === '' && ips.length) out.push(invalid('spec.clusterIPs', `Invalid value: ${JSON.stringify(ips)}: must be empty when \`clusterIP\` is not specified`));
  else if (ips.length && ips[0] !== ip) out.push(invalid('spec.clusterIPs', `Invalid value: ${JSON.stringify(ips)}: first value must match \`clusterIP\``));
  else if (ips.length > 1) out.push(invalid('spec.clusterIPs', `Invalid value: ${JSON.stringify(ips)}: may specify no more than one IP for each IP family`));
  if (ip === 'None' && s.spec.type === 'NodePort') out.push(invalid('spec.clusterIPs[0]', 'Invalid value: "None": may not be set to \'None\' for NodePort services'));
  return out;
}

/** A Node's pod CIDRs: IPv4 CIDRs, podCIDRs[0] the same as podCIDR, one per family (Wharf is IPv4 only). */
function validateNode(n: Node): StatusCause[] {
  const out: StatusCause[] = [];
  const one = n.spec?.podCIDR;
  const all = n.spec?.podCIDRs ?? [];
  const notCidr = (field: string, v: string) => invalid(field, `Invalid value: "${v}": must be a valid IPv4 CIDR value, (e.g. 10.244.1.0/24)`);
  if (one !== undefined && one !== '' && !isIpv4Cidr(one)) out.push(notCidr('spec.podCIDR', one));
  all.forEach((c, i) => {
    if (!isIpv4Cidr(c)) out.push(notCidr(`spec.podCIDRs[${i}]`, c));
  });
  if (all.length && (one ?? '') !== all[0]) out.push(invalid('spec.podCIDRs', `Invalid value: ${JSON.stringify(all)}: first value must match \`podCIDR\``));
  else if (all.length > 1) out.push(invalid('spec.podCIDRs', `Invalid value: ${JSON.stringify(all)}: may specify no more than one CIDR for each IP family`));
  return out;
}

function isIpv4Cidr(s: string): boolean {
  try {
    parseIpv4Cidr(s);
    return true;
  } catch {
    return false;
  }
}

/** All semantic causes for an object about to be stored (after defaults). */
export function validateObject(o: KObject, namespaced: boolean): StatusCause[] {
  const out = validateName(o, namespaced);
  if (isKind(o, 'Pod')) out.push(...validatePodSpec(o.spec, 'spec'));
  else if (isKind(o, 'ReplicationController')) out.push(...validateRC(o));
  else if (isKind(o, 'Service')) out.push(...validateService(o));
  else if (isKind(o, 'Node')) out.push(...validateNode(o));
  return out;
}
