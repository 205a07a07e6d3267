/**
 * NodeInfo: one node's static facts (readiness, taints, labels, allocatable) and what is already
 * placed on it (requests, host ports, spreading counts). Built from a Snapshot; `add` is the
 * only mutation, used while one schedule call places pods one after another.
 */
import { bytes, milliCPU, type Node, type Taint } from '@wharf/model';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST } from './demand.js';
import type { Demand, HostPort, Snapshot } from './types.js';

/** The pod count a node allows when its status does not say (the kubelet's default maxPods). */
export const DEFAULT_MAX_PODS = 110;
/** One node and what it holds. */
export class NodeInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: { milliCPU: number; memory: number; pods: number };
  /** Requests as placed; and with kube-scheduler's non-zero defaults, for scoring. */
  readonly requested = { milliCPU: 0, memory: 0, pods: 0 };
  readonly nonZero = { milliCPU: 0, memory: 0 };
  readonly ports: HostPort[] = [];
  /** `namespace|spreadKey` -> pods on this node with those labels. */
  readonly spread = new Map<string, number>();
  readonly #keys = new Set<string>();

  constructor(readonly node: Node, readonly ready: boolean) {
    this.name = node.metadata.name ?? '';
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    const alloc = { ...(node.status?.capacity ?? {}), ...(node.status?.allocatable ?? {}) };
    this.allocatable = {
      milliCPU: milliCPU(alloc.cpu ?? 0),
      memory: bytes(alloc.memory ?? 0),
      pods: alloc.pods !== undefined ? Number(alloc.pods) : DEFAULT_MAX_PODS,
    };
  }

  /** True when a pod with this key is already counted here. */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Counts a pod on this node (once per pod key). */
  add(d: Demand): void {
    if (this.#keys.has(d.key)) return;
    this.#keys.add(d.key);
    this.requested.milliCPU += d.milliCPU;
    this.requested.memory += d.memory;
    this.requested.pods += 1;
    this.nonZero.milliCPU += d.milliCPU || DEFAULT_MILLI_CPU_REQUEST;
    this.nonZero.memory += d.memory || DEFAULT_MEMORY_REQUEST;
    for (const p of d.hostPorts) this.ports.push(p);
    if (d.spreadKey) {
      const k = `${d.namespace}|${d.spreadKey}`;
      this.spread.set(k, (this.spread.get(k) ?? 0) + 1);
    }
  }
}

/**
 * True when the node reports Ready=True. Silent nodes are the node lifecycle controller's to
 * judge: it turns Ready to Unknown and taints them, so the scheduler reads only the condition.
 */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** NodeInfos of every node in the snapshot, sorted by name, with their assignments counted. */
export function nodeInfos(snapshot: Snapshot): NodeInfo[] {
  const infos = snapshot.nodes.map((n) => new NodeInfo(n, isNodeReady(n))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map(infos.map((i) => [i.name, i]));
  for (const a of snapshot.assigned) byName.get(a.node)?.add(a.demand);
  return infos;
}
