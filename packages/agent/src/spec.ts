/**
 * Pod spec → runtime create specs (pure). The infra container owns the pod's network and UTS
 * namespaces and publishes every container port; the pod's containers join it. A pod of one
 * container has no infra container: that container owns them itself. Kubernetes semantics:
 * `command` replaces the image's entrypoint, `args` its command.
 */
import { bytes, type Container, parseQuantity, type Pod } from '@wharf/model';
import { INFRA, LABELS } from './labels.js';
import type { CreateSpec, MountSpec, PortSpec } from './runtime/runtime.js';

/** What the specs depend on besides the pod. */
export interface SpecContext {
  cluster: string;
  node: string;
  /** The node's advertised address: published ports bind to it. */
  address: string;
  /** Per-node state directory; emptyDir volumes live under `<stateDir>/pods/<uid>/volumes`. */
  stateDir: string;
  /** The image of infra containers. */
  pauseImage: string;
}

/** The infra container's program: sleeps forever and exits at once on SIGTERM. */
export const PAUSE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '-');

/** The runtime name of a container instance: wharf_<node>_<ns>_<pod>_<uid8>_<container>_<restart>. */
export function containerName(ctx: SpecContext, pod: Pod, container: string, restartCount: number): string {
  const uid = (pod.metadata.uid ?? '').slice(0, 8);
  const c = container === INFRA ? 'POD' : `${container}_${restartCount}`;
  return safe(`wharf_${ctx.node}_${pod.metadata.namespace ?? 'default'}_${pod.metadata.name}_${uid}_${c}`);
}

/** The per-pod directory on the node. */
export function podDir(ctx: SpecContext, uid: string): string {
  return `${ctx.stateDir}/pods/${uid}`;
}

/** The name of a memory-backed (tmpfs) volume of a pod. */
export function memoryVolumeName(uid: string, volume: string): string {
  return safe(`wharf-${uid}-${volume}`);
}

/** Labels of one container instance. */
export function containerLabels(ctx: SpecContext, pod: Pod, container: string, restartCount: number, backoffStep: number): Record<string, string> {
  return {
    [LABELS.cluster]: ctx.cluster,
    [LABELS.node]: ctx.node,
    [LABELS.namespace]: pod.metadata.namespace ?? 'default',
    [LABELS.pod]: pod.metadata.name ?? '',
    [LABELS.podUid]: pod.metadata.uid ?? '',
    [LABELS.container]: container,
    [LABELS.restartCount]: String(restartCount),
    [LABELS.backoffStep]: String(backoffStep),
    [LABELS.grace]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
  };
}

/** Every container port of the pod, published on the node's address. */
export function podPorts(ctx: SpecContext, pod: Pod): PortSpec[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      containerPort: p.containerPort,
      protocol: (p.protocol ?? 'TCP').toLowerCase() as PortSpec['protocol'],
      hostIp: p.hostIP ?? ctx.address,
      hostPort: p.hostPort ?? 0,
    })),
  );
}

/** The pod's hostname: the spec's, else its name. */
function hostnameOf(pod: Pod): string {
  return (pod.spec.hostname ?? pod.metadata.name ?? 'pod').slice(0, 63);
}

/** The create spec of the pod's infra container. */
export function infraSpec(ctx: SpecContext, pod: Pod): CreateSpec {
  return {
    name: containerName(ctx, pod, INFRA, 0),
    image: ctx.pauseImage,
    entrypoint: ['/bin/sh', '-c', PAUSE_SCRIPT],
    cmd: [],
    env: [],
    labels: containerLabels(ctx, pod, INFRA, 0, 0),
    hostname: hostnameOf(pod),
    ports: podPorts(ctx, pod),
    mounts: [],
  };
}

/** Host directories the pod's bind-mounted emptyDir volumes need. */
export function emptyDirs(ctx: SpecContext, pod: Pod): string[] {
  const uid = pod.metadata.uid ?? '';
  return (pod.spec.volumes ?? []).filter((v) => v.emptyDir && v.emptyDir.medium !== 'Memory').map((v) => `${podDir(ctx, uid)}/volumes/${v.name}`);
}

/** The mounts of one container; throws when a mount names an unknown volume. */
export function mountsOf(ctx: SpecContext, pod: Pod, c: Container): MountSpec[] {
  const uid = pod.metadata.uid ?? '';
  return (c.volumeMounts ?? []).map((m) => {
    const v = pod.spec.volumes?.find((x) => x.name === m.name);
    if (!v) throw new Error(`volumeMount ${m.name} of container ${c.name} names no volume of the pod`);
    const sub = m.subPath ? `/${m.subPath}` : '';
    const readOnly = m.readOnly ?? false;
    if (v.emptyDir?.medium === 'Memory') return { kind: 'memory', source: memoryVolumeName(uid, v.name), target: m.mountPath, readOnly };
    const source = v.hostPath ? v.hostPath.path : `${podDir(ctx, uid)}/volumes/${v.name}`;
    return { kind: 'bind', source: source + sub, target: m.mountPath, readOnly };
  });
}

/**
 * The create spec of one app container: joining the network of the infra container `infraId`,
 * or, when `infraId` is null, owning the pod's network (hostname and published ports) itself.
 */
export function containerSpec(ctx: SpecContext, pod: Pod, c: Container, infraId: string | null, restartCount: number, backoffStep: number): CreateSpec {
  const spec: CreateSpec = {
    name: containerName(ctx, pod, c.name, restartCount),
    image: c.image,
    env: (c.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`),
    labels: containerLabels(ctx, pod, c.name, restartCount, backoffStep),
    ...(infraId === null ? { hostname: hostnameOf(pod) } : { joinNetworkOf: infraId }),
    ports: infraId === null ? podPorts(ctx, pod) : [],
    mounts: mountsOf(ctx, pod, c),
  };
  if (c.command) {
    spec.entrypoint = c.command;
    spec.cmd = c.args ?? [];
  } else if (c.args) spec.cmd = c.args;
  if (c.workingDir) spec.workingDir = c.workingDir;
  const cpu = c.resources?.limits?.cpu;
  const mem = c.resources?.limits?.memory;
  if (cpu !== undefined) spec.nanoCpus = Math.round(parseQuantity(cpu) * 1e9);
  if (mem !== undefined) spec.memoryBytes = bytes(mem);
  return spec;
}
