/**
 * What a read does when this API server cannot confirm it has seen every write (its projection's
 * sync failed): an outage of the event log (no stream leader in reach, as on the minority side of
 * a partition) is served from the local projection with a Kubernetes warning (`Warning: 299`)
 * that the answer may be stale; any other failure stands. Writes never take this path: they
 * need the log's leader, so the minority refuses them with 503. PURE.
 */
import { toWharfError } from './errors.js';

/** The warning a stale read carries; `seq` is the last event the local state holds. */
export function staleReadWarning(seq: number): string {
  return `the answer may be stale: this API server cannot reach a majority of the control plane; it shows the state at resourceVersion ${seq}`;
}

/**
 * The warning to serve a read with after its sync failed with `err`, or undefined when the
 * error must stand (not an outage, or no state loaded yet: `seq` 0).
 */
export function staleRead(err: unknown, seq: number): string | undefined {
  if (seq <= 0) return undefined;
  return toWharfError(err).code === 503 ? staleReadWarning(seq) : undefined;
}
