/** The scheduler's vocabulary: what a pod asks of a node, the snapshot it decides on, and the plan. */
import type { Node, Pod, Stored } from '@wharf/model';

/** A host port a pod publishes; hostIP '' or '0.0.0.0' means every address. */
export interface HostPort {
  port: number;
  protocol: string;
  hostIP: string;
}

/** What one pod takes from a node: requests, host ports, and what spreading compares. */
export interface Demand {
  /** `namespace/name`. */
  key: string;
  uid?: string;
  namespace: string;
  /** Sorted label pairs, `k=v,k=v`; '' when the pod has no labels (no spreading). */
  spreadKey: string;
  milliCPU: number;
  memory: number;
  hostPorts: HostPort[];
}

/** A pod already placed on a node (bound in the log, or reserved in the allocation ledger). */
export interface Assignment {
  node: string;
  demand: Demand;
}

/** The immutable state one scheduling decision reads. */
export interface Snapshot {
  nodes: readonly Node[];
  /** Pods already bound or reserved; the same pod key on one node counts once. */
  assigned: readonly Assignment[];
}

/** One pod placed on one node. */
export interface Binding {
  pod: Stored<Pod>;
  node: string;
}

/** One pod that fits nowhere, with kube-scheduler's message. */
export interface Failure {
  pod: Stored<Pod>;
  message: string;
}

/** The result of one scheduling call. */
export interface Plan {
  bindings: Binding[];
  failures: Failure[];
}
