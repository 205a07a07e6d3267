/**
 * Node registration: the Node object the agent writes at start-up (capacity, addresses, node
 * info, labels, taints, Ready condition). `nodeObject` is pure; `registerNode` writes it through
 * the node relay (which appends it as `system:node:<name>`). As a kubelet, the agent sets its
 * taints only when it registers the Node: later they are the cluster's (NodeRestriction refuses a
 * node's change of its own spec).
 */
import { randomUUID } from 'node:crypto';
import { type Decide, type Decision, type EventType, type KObject, mustKind, type Node, type Stored, type Taint, timestamp } from '@wharf/model';
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
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: prevReady?.status === 'True' && prevReady.lastTransitionTime ? prevReady.lastTransitionTime : now,
        },
      ],
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
