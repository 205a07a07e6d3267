/**
 * The environment variables the kubelet injects for Services (pure): `<SVC>_SERVICE_HOST`,
 * `<SVC>_SERVICE_PORT`, `<SVC>_SERVICE_PORT_<NAME>` and the Docker-link style `<SVC>_PORT...`,
 * for every Service of the pod's namespace that has a cluster IP.
 */
import type { Service } from '../schemas/service.js';

/** One environment variable. */
export interface ServiceEnvVar {
  name: string;
  value: string;
}

/** A name as the kubelet turns it into a variable prefix: upper case, dashes as underscores. */
export function envVarNameOf(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function hasClusterIP(svc: Service): boolean {
  return !!svc.spec.clusterIP && svc.spec.clusterIP !== 'None';
}

/** The variables of one Service, in the kubelet's order (empty for a headless Service or one without a cluster IP). */
export function serviceEnvVars(svc: Service): ServiceEnvVar[] {
  if (!hasClusterIP(svc)) return [];
  const ip = svc.spec.clusterIP!;
  const prefix = envVarNameOf(svc.metadata.name ?? '');
  const ports = svc.spec.ports ?? [];
  const out: ServiceEnvVar[] = [{ name: `${prefix}_SERVICE_HOST`, value: ip }];
  if (!ports.length) return out;
  out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
  for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarNameOf(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const proto = p.protocol ?? 'TCP';
    const url = `${proto.toLowerCase()}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push({ name: pp, value: url }, { name: `${pp}_PROTO`, value: proto.toLowerCase() }, { name: `${pp}_PORT`, value: String(p.port) }, { name: `${pp}_ADDR`, value: ip });
  });
  return out;
}

/**
 * The Service variables of a pod in `namespace`: every Service of that namespace with a cluster IP
 * (when `enableServiceLinks`, the default), and the `kubernetes` Service of `default` always, by
 * name. Variables the container sets itself win over these (the caller merges).
 */
export function serviceEnvFor(services: readonly Service[], namespace: string, enableServiceLinks = true): ServiceEnvVar[] {
  const byName = new Map<string, Service>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ns = svc.metadata.namespace ?? 'default';
    if (ns === 'default' && svc.metadata.name === 'kubernetes') {
      if (!byName.has(svc.metadata.name ?? '')) byName.set(svc.metadata.name ?? '', svc);
    } else if (ns === namespace && enableServiceLinks) byName.set(svc.metadata.name ?? '', svc);
  }
  return [...byName.keys()].sort().flatMap((n) => serviceEnvVars(byName.get(n)!));
}
