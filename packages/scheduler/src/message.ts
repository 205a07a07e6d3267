/** The FitError message, worded and ordered as kube-scheduler prints it. */

/** `0/3 nodes are available: 1 node(s) ..., 2 Insufficient cpu.` from per-reason node counts. */
export function fitErrorMessage(totalNodes: number, reasons: ReadonlyMap<string, number>): string {
  if (totalNodes === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${totalNodes} nodes are available: ${parts.join(', ')}.`;
}
