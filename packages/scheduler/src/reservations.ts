/**
 * The allocation ledger's decisions (pure): what a node's ledger holds, which new reservations
 * still fit on it, and which reservations went stale. The ledger is how several scheduler
 * instances share one view of a node's allocations (Omega's shared state): a reservation is
 * written with compare-and-set on the node's ledger before the pod is bound.
 */
import type { Node, Pod } from '@wharf/model';
import { demandOf, isFinished } from './demand.js';
import { capacityReasons } from './filters.js';
import { NodeInfo } from './nodeinfo.js';
import type { Demand } from './types.js';

/** One pod reserved on a node. */
export interface Reservation {
  demand: Demand;
  /** The scheduler instance that reserved it. */
  by: string;
  /** When it was reserved (ms since epoch). */
  at: number;
}

/** A node's ledger: reservations by pod key (`namespace/name`). */
export interface NodeLedger {
  pods: Record<string, Reservation>;
}

/** The empty ledger. */
export function emptyLedger(): NodeLedger {
  return { pods: {} };
}

/** What fits: the wanted demands admitted in order, and the rest. */
export interface Admission {
  admitted: Demand[];
  rejected: Demand[];
}

/**
 * Re-checks wanted demands against the node's allocatable, minus its ledger and the pods bound to
 * it in the log (each pod counted once). A pod already reserved on this node is rejected; a stale
 * reservation of an earlier pod with the same name is ignored.
 */
export function admit(node: Node, ledger: NodeLedger, bound: readonly Pod[], wants: readonly Demand[]): Admission {
  const info = new NodeInfo(node, true);
  // A reservation for an earlier pod of the same name (another uid, e.g. a replaced replica in a
  // reused slot) holds nothing for the new one: leave it out, the new reservation replaces it.
  const wantedUid = new Map(wants.map((d) => [d.key, d.uid]));
  for (const r of Object.values(ledger.pods)) {
    const uid = wantedUid.get(r.demand.key);
    if (uid && r.demand.uid && uid !== r.demand.uid) continue;
    info.add(r.demand);
  }
  for (const p of bound) if (!isFinished(p)) info.add(demandOf(p));
  const admitted: Demand[] = [];
  const rejected: Demand[] = [];
  for (const d of wants) {
    if (info.has(d.key) || capacityReasons(d, info).length > 0) rejected.push(d);
    else {
      info.add(d);
      admitted.push(d);
    }
  }
  return { admitted, rejected };
}

/**
 * Reservations on `node` that hold resources for nothing: their pod is gone (or replaced by a
 * new uid), finished, bound to another node, or still unbound. Only reservations older than
 * `graceMs` are judged, so an in-flight binding is never taken away.
 */
export function staleReservations(node: string, ledger: NodeLedger, lookup: (key: string) => Pod | undefined, now: number, graceMs: number): string[] {
  const out: string[] = [];
  for (const [key, r] of Object.entries(ledger.pods)) {
    if (now - r.at < graceMs) continue;
    const pod = lookup(key);
    if (!pod || (r.demand.uid && pod.metadata.uid !== r.demand.uid) || isFinished(pod) || pod.spec.nodeName !== node) out.push(key);
  }
  return out.sort();
}
