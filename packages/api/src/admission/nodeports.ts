/**
 * NodePort bookkeeping of a Service write (pure): which ports an update keeps, which explicit
 * ports must be claimed, which ports need allocating, and which are freed. The allocator
 * (src/nodeports.ts) does the claims against the shared KV bucket.
 */
import type { Service, ServicePort } from '@wharf/model';

/** The NodePort range, as kube-apiserver's default --service-node-port-range. */
export const NODE_PORT_MIN = 30000;
/** The upper end of the NodePort range (inclusive). */
export const NODE_PORT_MAX = 32767;

/** What a Service write means for the NodePort allocations. */
export interface NodePortChanges {
  /** Ports given in the new spec that the Service did not hold yet: claim them. */
  claim: { index: number; port: number }[];
  /** Indexes of ports of a NodePort Service without a nodePort: allocate one. */
  allocate: number[];
  /** Ports the Service held and no longer uses: free them after the write. */
  release: number[];
}

const wantsNodePort = (s: Service | undefined) => s?.spec.type === 'NodePort';
const sameServicePort = (a: ServicePort, b: ServicePort) => (a.name ?? '') === (b.name ?? '') && a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP');

/** The nodePorts a Service holds (set and non-zero), NodePort type only. */
export function heldNodePorts(s: Service | undefined): number[] {
  if (!wantsNodePort(s)) return [];
  return (s!.spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p > 0);
}

/**
 * Updates keep their allocated ports: a port of the new spec without a nodePort takes the one
 * the same service port (same name, port and protocol) had. Mutates `next`.
 */
export function carryNodePorts(next: Service, current: Service | undefined): void {
  if (!wantsNodePort(next) || !wantsNodePort(current)) return;
  for (const p of next.spec.ports ?? []) {
    if (p.nodePort) continue;
    const old = current!.spec.ports?.find((o) => sameServicePort(o, p));
    if (old?.nodePort) p.nodePort = old.nodePort;
  }
}

/** Computes the claims, allocations and releases that turn `current` into `next`. */
export function nodePortChanges(next: Service, current: Service | undefined): NodePortChanges {
  const held = new Set(heldNodePorts(current));
  const out: NodePortChanges = { claim: [], allocate: [], release: [] };
  const kept = new Set<number>();
  if (wantsNodePort(next)) {
    (next.spec.ports ?? []).forEach((p, index) => {
      if (!p.nodePort) out.allocate.push(index);
      else if (held.has(p.nodePort)) kept.add(p.nodePort);
      else out.claim.push({ index, port: p.nodePort });
    });
  }
  out.release = [...held].filter((p) => !kept.has(p)).sort((a, b) => a - b);
  return out;
}

/** Duplicate nodePorts within one Service: the field paths of the second and later uses. */
export function duplicateNodePorts(s: Service): { index: number; port: number }[] {
  const seen = new Set<number>();
  const out: { index: number; port: number }[] = [];
  (s.spec.ports ?? []).forEach((p, index) => {
    if (!p.nodePort || !wantsNodePort(s)) return;
    if (seen.has(p.nodePort)) out.push({ index, port: p.nodePort });
    seen.add(p.nodePort);
  });
  return out;
}

/**
 * Candidate ports to allocate, in order: every port of the range not in `taken`, starting at
 * `start` and wrapping around (a random start spreads concurrent allocators apart).
 */
export function* candidatePorts(taken: ReadonlySet<number>, start: number): Generator<number> {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const first = ((Math.floor(start) % size) + size) % size;
  for (let i = 0; i < size; i++) {
    const port = NODE_PORT_MIN + ((first + i) % size);
    if (!taken.has(port)) yield port;
  }
}
