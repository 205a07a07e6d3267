/**
 * Node registration: the Node object the agent writes at start-up (capacity, addresses, node
 * info, labels, taints, Ready condition). `nodeObject` is pure; `registerNode` writes it through
 * the node relay (which appends it as `system:node:<name>`). As a kubelet, the agent sets its
 * taints only when it registers the Node: later they are the cluster's (NodeRestriction refuses a
 * node's change of its own spec, its podCIDR included). Ready is False, reason NetworkNotReady,
 * while the node has no pod CIDR (`nodeReadiness` keeps it so afterwards).
 */
import { randomUUID } from 'node:crypto';
import { type Condition, type Decide, type Decision, type EventType, type KObject, mustKind, type Node, type Stored, type Taint, timestamp } from '@wharf/model';
import type { NodeObjects } from './relay.js';

/** The kubelet version Wharf's agent reports. */
export const KUBELET_VERSION = 'v1.32.0-wharf';

/** Facts about this machine and the agent's settings that go into the Node. */
export interface NodeFacts {
  name: string;
  address: string;
  hostname: string;
  cpus: number;
  memoryBytes: number;
  maxPods: number;
  labels: Record<string, string>;
  taints: Taint[];
  kernelVersion: string;
  osImage: string;
  /** "linux" */
  operatingSystem: string;
  /** Go-style architecture: amd64, arm64. */
  architecture: string;
  containerRuntimeVersion: string;
  machineID: string;
  bootID: string;
  /** The pod CIDR given on the command line (`--pod-cidr`, standalone mode), if any. */
  podCidr?: string;
}

/** The Ready reason of a node whose pod network is not ready. */
export const NETWORK_NOT_READY = 'NetworkNotReady';

/** Why a node without a pod CIDR is not ready, in one line. */
export function noPodCidrMessage(node: string): string {
  return `network not ready: node ${node} has no podCIDR yet (the nodeipam reconciler of wharf-reconcilers assigns one; or start wharf-agent with --pod-cidr)`;
}

/** The node's network problem: none when it has a pod CIDR (from the flag or its Node), else the one line saying so. */
export function networkProblem(node: string, podCidrFlag: string | undefined, current: Node | undefined): string | undefined {
  return podCidrFlag || current?.spec?.podCIDR || current?.spec?.podCIDRs?.[0] ? undefined : noPodCidrMessage(node);
}

/** The Ready condition the agent reports: True, or False with NetworkNotReady and `problem`; the transition time kept while the status stays. */
export function readyCondition(prev: Condition | undefined, problem: string | undefined, now: string): Condition {
  const status = problem ? 'False' : 'True';
  return {
    type: 'Ready',
    status,
    reason: problem ? NETWORK_NOT_READY : 'KubeletReady',
    message: problem ?? 'kubelet is posting ready status',
    lastHeartbeatTime: now,
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
}

/**
 * The Node with its Ready condition set from the agent's network state, or undefined when it
 * says that already: False (NetworkNotReady, `problem`) over True or another False; True over a
 * False of NetworkNotReady. Unknown is the node lifecycle controller's (a heartbeat turns it True).
 */
export function nodeReadiness<N extends Node>(current: N, problem: string | undefined, now: string): N | undefined {
  const ready = current.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'Unknown') return undefined;
  if (problem ? ready.status === 'False' && ready.reason === NETWORK_NOT_READY && ready.message === problem : !(ready.status === 'False' && ready.reason === NETWORK_NOT_READY)) return undefined;
  const conditions = (current.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? readyCondition(c, problem, now) : c));
  return { ...current, status: { ...current.status, conditions } };
}

/** Maps Node.js's `os.arch()` onto Kubernetes' architecture names. */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/**
 * The Node to store given the current one (or none) and the facts; pure but for `uid`. A new Node
 * gets the facts' taints; an existing one keeps its spec as it is.
 */
export function nodeObject(current: Node | undefined, f: NodeFacts, now: string, uid: string = randomUUID()): { object: Stored<Node>; type: EventType } {
  const resources = { cpu: String(f.cpus), memory: `${Math.floor(f.memoryBytes / 1024)}Ki`, pods: String(f.maxPods) };
  const prevReady = current?.status?.conditions?.find((c) => c.type === 'Ready');
  const ready = readyCondition(prevReady, networkProblem(f.name, f.podCidr, current), now);
  const object: Stored<Node> = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...(current?.metadata ?? { uid, creationTimestamp: now }),
      name: f.name,
      labels: {
        ...current?.metadata.labels,
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': f.operatingSystem,
        'kubernetes.io/arch': f.architecture,
        ...f.labels,
      },
    },
    spec: current ? { ...current.spec } : f.taints.length ? { taints: [...f.taints] } : {},
    status: {
      ...current?.status,
      capacity: resources,
      allocatable: resources,
      // Conditions other agents of the cluster own (nodeipam's NetworkUnavailable) stay; Ready is the agent's.
      conditions: [...(current?.status?.conditions ?? []).filter((c) => c.type !== 'Ready'), ready],
      addresses: [
        { type: 'InternalIP', address: f.address },
        { type: 'Hostname', address: f.hostname },
      ],
      nodeInfo: {
        machineID: f.machineID,
        systemUUID: f.machineID,
        bootID: f.bootID,
        kernelVersion: f.kernelVersion,
        osImage: f.osImage,
        containerRuntimeVersion: f.containerRuntimeVersion,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: f.operatingSystem,
        architecture: f.architecture,
      },
    },
  };
  return { object, type: current ? 'NodeStatusUpdated' : 'NodeRegistered' };
}

/** Registers (or refreshes) the Node through the node relay, waiting while no relay answers; returns it as stored. */
export async function registerNode(objects: NodeObjects, facts: NodeFacts): Promise<Node> {
  const decide: Decide<Node & KObject> = (cur, now) => nodeObject(cur, facts, timestamp(now)) as Decision;
  const stored = await objects.change(mustKind('Node'), undefined, facts.name, decide, { reason: 'agent started' }, { wait: true });
  return stored!;
}
