/** Listening for one kind of a NATS connection's status events. */
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Calls `fn` on each status event of `type` (`reconnect`, `disconnect`, `update`...) of `nc`
 * until the returned function is called.
 */
export function onStatus(nc: NatsConnection, type: string, fn: () => void): () => void {
  // nats.js's status iterators are QueuedIterators, typed only as AsyncIterable.
  const status = nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
  void (async () => {
    for await (const s of status) if (s.type === type) fn();
  })();
  return () => status.stop?.();
}
