/**
 * The node relay's transport: request/reply on `wharf.<cluster>.node.<node>.<op>` (see
 * `Subjects.nodeRelay`). Every wharf-api serves it in the queue group `wharf-api-relay`, so one
 * of them answers each request; the node's NATS permissions let it publish only under its own
 * node token, so the subject, never the body, says which node asks. Bodies are JSON.
 */
import { RequestError, TimeoutError, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { Subjects } from '@wharf/model';

/** The queue group every wharf-api serves the node relay in. */
export const NODE_RELAY_QUEUE = 'wharf-api-relay';

/** How long a node waits for the relay's answer by default (ms). */
export const NODE_RELAY_TIMEOUT_MS = 5_000;

/** No wharf-api answered the request (none is subscribed, or none answered in time): try again later. */
export class RelayUnavailableError extends Error {
  constructor(readonly subject: string, readonly why: 'no responders' | 'timeout') {
    super(`no wharf-api answered on ${subject} (${why})`);
    this.name = 'RelayUnavailableError';
  }
}

/** The node's side: sends one operation and returns the parsed JSON reply. */
export class NodeRelayClient {
  constructor(
    readonly nc: NatsConnection,
    readonly subjects: Subjects,
    readonly node: string,
    readonly timeoutMs = NODE_RELAY_TIMEOUT_MS,
  ) {}

  /** Sends `body` as operation `op`; resolves with the reply's JSON, rejects with RelayUnavailableError when no relay answers. */
  async request(op: string, body: unknown): Promise<unknown> {
    const subject = this.subjects.nodeRelay(this.node, op);
    try {
      const m = await this.nc.request(subject, JSON.stringify(body), { timeout: this.timeoutMs });
      return m.json();
    } catch (e) {
      if (e instanceof RequestError && e.isNoResponders()) throw new RelayUnavailableError(subject, 'no responders');
      if (e instanceof TimeoutError || (e instanceof RequestError && e.cause instanceof TimeoutError)) throw new RelayUnavailableError(subject, 'timeout');
      throw e;
    }
  }
}

/** One request as the relay receives it: the node and operation from the subject, the raw body. */
export interface RelayRequest {
  node: string;
  op: string;
  data: Uint8Array;
}

/** Answers one request with the reply's JSON text; must not throw (a thrown error is answered as a 500 Status). */
export type RelayHandler = (req: RelayRequest) => Promise<string>;

/** A served relay; `stop` drains its subscription. */
export interface ServedRelay {
  stop(): Promise<void>;
}

const INTERNAL = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', code: 500, message: 'an internal error occurred' });

/** Serves the node relay of `subjects`' cluster on `nc` in the queue group, calling `handle` for every request. */
export function serveNodeRelay(nc: NatsConnection, subjects: Subjects, handle: RelayHandler, onError: (err: unknown) => void = () => undefined): ServedRelay {
  const sub: Subscription = nc.subscribe(subjects.nodeRelayAll, {
    queue: NODE_RELAY_QUEUE,
    callback: (err, m) => {
      if (err) return onError(err);
      const parsed = subjects.parseNodeRelay(m.subject);
      if (!parsed || !m.reply) return;
      handle({ ...parsed, data: m.data })
        .catch((e: unknown) => {
          onError(e);
          return INTERNAL;
        })
        .then((reply) => m.respond(reply))
        .catch(onError);
    },
  });
  return {
    async stop() {
      await sub.drain();
    },
  };
}
