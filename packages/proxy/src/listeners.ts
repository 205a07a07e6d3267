/**
 * The listener diff (pure): which NodePorts to open and which to close so that the open set
 * matches the desired one. Ports that failed to bind are tried again on the next diff.
 */

/** The ports to open and to close, each sorted. */
export interface ListenerDiff {
  open: number[];
  close: number[];
}

/** Compares the desired NodePorts with the open (or opening) ones. */
export function diffListeners(desired: Iterable<number>, open: Iterable<number>): ListenerDiff {
  const want = new Set(desired);
  const have = new Set(open);
  const diff: ListenerDiff = { open: [], close: [] };
  for (const p of want) if (!have.has(p)) diff.open.push(p);
  for (const p of have) if (!want.has(p)) diff.close.push(p);
  diff.open.sort((a, b) => a - b);
  diff.close.sort((a, b) => a - b);
  return diff;
}
