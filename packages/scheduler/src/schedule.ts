/**
 * The scheduler's decision, a pure function: given a snapshot of nodes and of the pods already
 * placed, place each pending pod on the feasible node with the best score (ties go to the lowest
 * node name), or report why no node fits. Pods placed in one call count against each other.
 */
import type { Pod, Stored } from '@wharf/model';
import { demandOf, podKey } from './demand.js';
import { capacityReasons, fitsCapacity, staticReason } from './filters.js';
import { fitErrorMessage } from './message.js';
import { nodeInfos, type NodeInfo } from './nodeinfo.js';
import { intolerablePreferCount, leastAllocatedScore, reverseNormalized, spreadCount, WEIGHTS } from './score.js';
import type { Binding, Failure, Plan, Snapshot } from './types.js';

/** Scheduling order, as kube-scheduler's PrioritySort: priority, then age, then key. */
export function schedulingOrder(a: Pod, b: Pod): number {
  const pa = a.spec.priority ?? 0;
  const pb = b.spec.priority ?? 0;
  if (pa !== pb) return pb - pa;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = podKey(a);
  const kb = podKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The static filter result of every node for pods with the same tolerations and nodeSelector. */
function staticReasons(pod: Pod, infos: readonly NodeInfo[], cache: Map<string, (string | undefined)[]>): (string | undefined)[] {
  const sig = JSON.stringify([pod.spec.tolerations ?? null, pod.spec.nodeSelector ?? null]);
  let r = cache.get(sig);
  if (!r) {
    r = infos.map((i) => staticReason(pod, i));
    cache.set(sig, r);
  }
  return r;
}

/** Places `pods` (pending, unbound) on the snapshot's nodes; deterministic for equal inputs. */
export function schedule(snapshot: Snapshot, pods: readonly Stored<Pod>[]): Plan {
  const infos = nodeInfos(snapshot);
  const cache = new Map<string, (string | undefined)[]>();
  const bindings: Binding[] = [];
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const feasible: NodeInfo[] = [];
  for (const pod of [...pods].sort(schedulingOrder)) {
    const key = podKey(pod);
    if (seen.has(key) || pod.spec.nodeName) continue;
    seen.add(key);
    const d = demandOf(pod);
    const statics = staticReasons(pod, infos, cache);
    const reasons = new Map<string, number>();
    feasible.length = 0;
    for (let i = 0; i < infos.length; i++) {
      const info = infos[i]!;
      const s = statics[i];
      if (!s && fitsCapacity(d, info)) {
        feasible.push(info);
        continue;
      }
      for (const r of s ? [s] : capacityReasons(d, info)) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    if (feasible.length === 0) {
      failures.push({ pod, message: fitErrorMessage(infos.length, reasons) });
      continue;
    }
    const best = pick(pod, d, feasible);
    best.add(d);
    bindings.push({ pod, node: best.name });
  }
  return { bindings, failures };
}

function pick(pod: Pod, d: ReturnType<typeof demandOf>, feasible: readonly NodeInfo[]): NodeInfo {
  if (feasible.length === 1) return feasible[0]!;
  let maxSpread = 0;
  let maxPrefer = 0;
  const spread = feasible.map((i) => spreadCount(d, i));
  const prefer = feasible.map((i) => intolerablePreferCount(pod, i));
  for (let i = 0; i < feasible.length; i++) {
    if (spread[i]! > maxSpread) maxSpread = spread[i]!;
    if (prefer[i]! > maxPrefer) maxPrefer = prefer[i]!;
  }
  let best = feasible[0]!;
  let bestScore = -1;
  for (let i = 0; i < feasible.length; i++) {
    const info = feasible[i]!;
    const score =
      WEIGHTS.leastAllocated * leastAllocatedScore(d, info) +
      WEIGHTS.spread * reverseNormalized(spread[i]!, maxSpread) +
      WEIGHTS.taints * reverseNormalized(prefer[i]!, maxPrefer);
    // feasible is in node-name order, so a strict '>' leaves ties to the lowest name.
    if (score > bestScore) {
      best = info;
      bestScore = score;
    }
  }
  return best;
}
