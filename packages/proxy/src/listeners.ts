/**
 * The listener diff (pure): which listeners (`address:port` keys) to open and which to close so
 * that the open set matches the desired one. Listeners that failed to bind are tried again on
 * the next diff.
 */

/** The listener keys to open and to close, each sorted. */
export interface ListenerDiff {
  open: string[];
  close: string[];
}

/** Compares the desired listener keys with the open (or opening) ones. */
export function diffListeners(desired: Iterable<string>, open: Iterable<string>): ListenerDiff {
  const want = new Set(desired);
  const have = new Set(open);
  const diff: ListenerDiff = { open: [], close: [] };
  for (const k of want) if (!have.has(k)) diff.open.push(k);
  for (const k of have) if (!want.has(k)) diff.close.push(k);
  diff.open.sort();
  diff.close.sort();
  return diff;
}
