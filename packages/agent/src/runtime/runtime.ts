/**
 * The container runtime interface the agent drives, in the spirit of Nomad's task drivers:
 * create-and-start, stop, remove, list, inspect, pull, logs and exec. Docker implements it; a fake
 * runtime for hollow nodes (benchmarks only) can implement it too.
 */

/** A host path or memory-backed volume mounted into a container. */
/** How `list` may describe containers. */
export interface ListOptions {
  /**
   * Containers (judged by their labels) that may be described from what the runtime last said
   * of them instead of a fresh look: the kubelet passes the pods it is acting on right now, whose
   * containers a fresh look would wait for (Docker's inspect waits for a container's start).
   */
  fromCache?: (labels: Record<string, string>) => boolean;
}

export interface MountSpec {
  /** 'bind': `source` is a host directory; 'memory': `source` names a tmpfs volume shared by the pod. */
  kind: 'bind' | 'memory';
  source: string;
  target: string;
  readOnly: boolean;
}

/** A container port published on the host (on the pod's infra container). */
export interface PortSpec {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  /** 0 for an ephemeral host port. */
  hostPort: number;
}

/** Everything needed to create and start one container; runtime-neutral plain data. */
export interface CreateSpec {
  name: string;
  image: string;
  /** Overrides the image's entrypoint when set (Kubernetes `command`). */
  entrypoint?: string[];
  /** Overrides the image's command when set (Kubernetes `args`). */
  cmd?: string[];
  env: string[];
  workingDir?: string;
  labels: Record<string, string>;
  /** Set on the infra container only; the others share its UTS and network namespaces. */
  hostname?: string;
  /** The id of the container whose network namespace this one joins. */
  joinNetworkOf?: string;
  /** The network (by name) the container joins, when it owns its network namespace; the runtime's default when absent. */
  network?: string;
  ports: PortSpec[];
  mounts: MountSpec[];
  nanoCpus?: number;
  memoryBytes?: number;
}

/** A published port as the runtime reports it. */
export interface PublishedPort {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
}

/** What the runtime says about one container. */
export interface ContainerInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  imageID: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** The runtime's error starting it, if any (e.g. executable not found). */
  error: string;
  /** ISO time; undefined when it never started. */
  startedAt?: string;
  /** ISO time; undefined while running or never started. */
  finishedAt?: string;
  createdAt: string;
  ports: PublishedPort[];
  /** The container's address on the runtime's bridge network, if it has one (probes use it). */
  ip?: string;
}

/** The outcome of a command run inside a container. */
export interface ExecResult {
  exitCode: number;
  /** stdout and stderr, interleaved, cut at a few KiB. */
  output: string;
}

/** One line of a container's output. */
export interface RuntimeLogLine {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as the runtime stamped it. */
  time: string;
  text: string;
}

/** A bridge network to create: the node's pod network. */
export interface NetworkSpec {
  name: string;
  /** CIDR. */
  subnet: string;
  gateway: string;
  /** The bridge interface's name. */
  bridge: string;
  labels: Record<string, string>;
}

/** What the runtime says about one network. */
export interface NetworkInfo {
  name: string;
  labels: Record<string, string>;
  /** Its subnets (CIDRs) and gateways, from its IPAM configuration. */
  subnets: string[];
  gateways: string[];
  /** The bridge interface's name, when the network was made with one. */
  bridge?: string;
  /** How many containers are attached to it now. */
  containers: number;
}

/** The container runtime the agent drives. */
export interface Runtime {
  /** The runtime's version string, e.g. "docker://20.10.24"; fails when it is unreachable. */
  version(): Promise<string>;
  /** Every container (running or not) carrying all of `labels`. */
  list(labels: Record<string, string>, opts?: ListOptions): Promise<ContainerInfo[]>;
  /** One container, or undefined when it is gone. */
  inspect(id: string): Promise<ContainerInfo | undefined>;
  /** Creates and starts a container; returns its id (the container may exist even if start failed). */
  start(spec: CreateSpec): Promise<string>;
  /** Sends SIGTERM, then SIGKILL after `graceSeconds`; no-op when it is not running. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container (forcefully); no-op when it is gone. */
  remove(id: string): Promise<void>;
  /** Removes the memory volumes carrying all of `labels`. */
  removeVolumes(labels: Record<string, string>): Promise<void>;
  /** True when the image is present locally. */
  hasImage(image: string): Promise<boolean>;
  /** Pulls an image; rejects with the runtime's message on failure. */
  pull(image: string): Promise<void>;
  /** The container's output from `sinceSeconds` (unix seconds), following it while it runs. */
  logs(id: string, sinceSeconds: number, signal: AbortSignal): AsyncIterable<RuntimeLogLine>;
  /** Runs `cmd` inside a running container; rejects after `timeoutMs` (the command may go on). */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** One network by name, or undefined when there is none. */
  inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
  /** Creates a bridge network with masquerading off (Wharf masquerades itself); rejects with the runtime's message. */
  createNetwork(spec: NetworkSpec): Promise<void>;
  /** Removes a network; no-op when it is gone. */
  removeNetwork(name: string): Promise<void>;
  /** Every network carrying all of `labels`. */
  listNetworks(labels: Record<string, string>): Promise<NetworkInfo[]>;
  /** Calls `onChange` whenever a container carrying `labels` starts, dies or goes, and each time it (re)connects to the engine; returns a stop function. */
  watch(labels: Record<string, string>, onChange: () => void): () => void;
}

/** Raised when the runtime daemon cannot be reached; the message says how to start it. */
export class DockerUnavailableError extends Error {
  override name = 'DockerUnavailableError';
}
