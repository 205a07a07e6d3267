/**
 * Pod spec → runtime create specs (pure). The infra container owns the pod's network and UTS
 * namespaces: it joins the node's pod network (its address there is the pod IP) and publishes
 * the container ports that declare a `hostPort`; the pod's containers join it. A pod of one
 * container has no infra container: that container owns them itself. Every app container gets
 * the pod's resolv.conf (bind-mounted from the pod's directory) and the Service variables of its
 * namespace. Kubernetes semantics: `command` replaces the image's entrypoint, `args` its command.
 */
import { bytes, type Container, parseQuantity, type Pod, renderPodResolvConf, type ServiceEnvVar } from '@wharf/model';
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
  /** The Docker network a pod's sandbox joins (the node's pod network); the runtime's default when absent. */
  network?: string;
  /** The cluster DNS address pods resolve through (`--cluster-dns`). */
  clusterDns: string;
  /** The cluster's DNS domain (`--cluster-domain`). */
  clusterDomain: string;
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

/** The container ports of the pod that declare a host port, published on `hostIP` (default the node's address). */
export function podPorts(ctx: SpecContext, pod: Pod): PortSpec[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => (p.hostPort ?? 0) > 0)
      .map((p) => ({
        containerPort: p.containerPort,
        protocol: (p.protocol ?? 'TCP').toLowerCase() as PortSpec['protocol'],
        hostIp: p.hostIP || ctx.address,
        hostPort: p.hostPort!,
      })),
  );
}

/** Where the pod's resolv.conf lives on the node. */
export function resolvConfPath(ctx: SpecContext, uid: string): string {
  return `${podDir(ctx, uid)}/resolv.conf`;
}

/**
 * The text of the pod's resolv.conf, as the kubelet writes it: ClusterFirst (the default, and
 * ClusterFirstWithHostNet) resolves through the cluster DNS with the pod's search list; None gets
 * an empty file; Default (the node's resolver) gets none, so the runtime's own applies.
 */
export function podResolvConf(ctx: SpecContext, pod: Pod): string | undefined {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'Default') return undefined;
  if (policy === 'None') return '';
  return renderPodResolvConf({ nameservers: [ctx.clusterDns], namespace: pod.metadata.namespace ?? 'default', clusterDomain: ctx.clusterDomain });
}

/** The container's environment: its own variables, then the Service variables it does not set itself. */
export function envOf(c: Container, serviceEnv: readonly ServiceEnvVar[]): string[] {
  const own = (c.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`);
  const mine = new Set((c.env ?? []).map((e) => e.name));
  return [...own, ...serviceEnv.filter((v) => !mine.has(v.name)).map((v) => `${v.name}=${v.value}`)];
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
    ...(ctx.network ? { network: ctx.network } : {}),
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
 * or, when `infraId` is null, owning the pod's network (pod network, hostname and published
 * ports) itself. `serviceEnv` are the Service variables of the pod (see serviceEnvFor).
 */
export function containerSpec(ctx: SpecContext, pod: Pod, c: Container, infraId: string | null, restartCount: number, backoffStep: number, serviceEnv: readonly ServiceEnvVar[] = []): CreateSpec {
  const ownResolv = (c.volumeMounts ?? []).some((m) => m.mountPath === '/etc/resolv.conf');
  const resolv: MountSpec[] = ownResolv || podResolvConf(ctx, pod) === undefined ? [] : [{ kind: 'bind', source: resolvConfPath(ctx, pod.metadata.uid ?? ''), target: '/etc/resolv.conf', readOnly: false }];
  const spec: CreateSpec = {
    name: containerName(ctx, pod, c.name, restartCount),
    image: c.image,
    env: envOf(c, serviceEnv),
    labels: containerLabels(ctx, pod, c.name, restartCount, backoffStep),
    ...(infraId === null ? { hostname: hostnameOf(pod), ...(ctx.network ? { network: ctx.network } : {}) } : { joinNetworkOf: infraId }),
    ports: infraId === null ? podPorts(ctx, pod) : [],
    mounts: [...mountsOf(ctx, pod, c), ...resolv],
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
