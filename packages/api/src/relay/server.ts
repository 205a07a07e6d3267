/** Starts the node relay of wharf-api: every API server serves it, in one NATS queue group. */
import { type EventStore, type Logger, serveNodeRelay, type ServedRelay } from '@wharf/store';
import { NodeRelayHandler } from './handler.js';

/** Serves the node relay of `store`'s cluster on its connection until `stop`. */
export function startNodeRelay(store: EventStore, log: Logger): ServedRelay {
  const relayLog = log.child({ part: 'node-relay' });
  const handler = new NodeRelayHandler(store, relayLog);
  return serveNodeRelay(store.nc, store.subjects, (req) => handler.handle(req), (err) => relayLog.warn({ err }, 'node relay subscription error'));
}
