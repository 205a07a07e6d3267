/**
 * The log readers' ordered consumers, made to end rather than wait when their consumer is lost.
 *
 * An ordered consumer is an R1 in-memory consumer on one server. When that server dies (the
 * stream leader killed), nats.js's own recovery asks for the consumer's info with the API timeout
 * and, while the cluster elects, waits the pull expiry between tries: a reader came back 10-41 s
 * after a leader loss. Here a reader ends as soon as its consumer is known lost (two missed
 * heartbeats, a consumer or stream not found, no responders, a reconnect of the connection), so
 * its owner starts a new one from its last sequence at once, with API requests that time out
 * quickly (READER_API_TIMEOUT_MS) rather than hang through an election.
 */
import { DeliverPolicy, jetstream, type Consumer, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { onStatus } from './natsstatus.js';
import { isOutage } from './outage.js';

/**
 * How readers pull: short pulls (5 s) with heartbeats every second; two missed heartbeats
 * (about 2 s) end the reader.
 */
export const PULL = { max_messages: 2048, expires: 5000, idle_heartbeat: 1000 };

/** The timeout of a reader's first JetStream API requests (stream info, consumer create). */
export const READER_API_TIMEOUT_MS = 1500;

/**
 * The timeouts of the tries to make a reader's consumer: the first is short, so a try sent while
 * the stream elects its leader gives way to another soon; the later ones are longer, so a server
 * that is merely slow still answers (10.5 s in all, as one 10 s request before).
 */
const OPEN_TIMEOUTS_MS = [READER_API_TIMEOUT_MS, 3000, 6000];

/** The consumer notifications after which a reader ends. */
const LOST = new Set(['heartbeats_missed', 'consumer_not_found', 'consumer_deleted', 'stream_not_found', 'no_responders', 'reset']);

/** A reader ended because its consumer was lost; its owner starts another from its last sequence. */
export class ReaderLostError extends Error {
  override name = 'ReaderLostError';
  constructor(readonly why: string) {
    super(`the log reader's consumer was lost (${why})`);
  }
}

/**
 * Creates an ordered consumer of `stream` from `fromSeq`, trying again after an outage with
 * longer timeouts (OPEN_TIMEOUTS_MS). Resolves undefined when `signal` aborts first (a consumer
 * made meanwhile is deleted).
 */
export async function openOrdered(nc: NatsConnection, stream: string, fromSeq: number, filter: string | string[], signal?: AbortSignal): Promise<Consumer | undefined> {
  for (let i = 0; ; i++) {
    try {
      return await openOnce(nc, OPEN_TIMEOUTS_MS[i]!, stream, fromSeq, filter, signal);
    } catch (e) {
      if (!isOutage(e) || i + 1 >= OPEN_TIMEOUTS_MS.length) throw e;
      // No responders answers at once: give the election a moment.
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function openOnce(nc: NatsConnection, timeout: number, stream: string, fromSeq: number, filter: string | string[], signal?: AbortSignal): Promise<Consumer | undefined> {
  if (signal?.aborted) return undefined;
  const creating = jetstream(nc, { timeout }).consumers.get(stream, {
    filter_subjects: filter,
    deliver_policy: fromSeq > 1 ? DeliverPolicy.StartSequence : DeliverPolicy.All,
    ...(fromSeq > 1 ? { opt_start_seq: fromSeq } : {}),
  });
  if (!signal) return creating;
  return new Promise<Consumer | undefined>((resolve, reject) => {
    const onAbort = () => {
      resolve(undefined);
      creating.then((c) => c.delete().catch(() => undefined), () => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    creating.then(
      (c) => {
        signal.removeEventListener('abort', onAbort);
        resolve(c);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/**
 * Watches a reader's messages: stops them (normally) when `signal` aborts, and with a
 * ReaderLostError when the consumer is lost or the connection reconnects. Returns the function
 * that detaches and stops them, and deletes the consumer on the server (best effort).
 */
export function superviseReader(nc: NatsConnection, consumer: Consumer, msgs: ConsumerMessages, signal: AbortSignal | undefined): () => void {
  let done = false;
  const stop = (err?: Error) => {
    if (done) return;
    done = true;
    msgs.stop(err);
    unwatch();
    consumer.delete().catch(() => undefined);
  };
  const unwatch = onStatus(nc, 'reconnect', () => stop(new ReaderLostError('reconnected')));
  const onAbort = () => stop();
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  void (async () => {
    for await (const n of msgs.status()) {
      if (LOST.has(n.type)) return stop(new ReaderLostError(n.type));
    }
  })();
  return () => {
    signal?.removeEventListener('abort', onAbort);
    stop();
  };
}
