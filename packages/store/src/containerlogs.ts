/**
 * Container logs: one JetStream stream per cluster (`subjects.logStream`), one subject per
 * container and the node that ships it (`subjects.logs(node, ns, pod, container)`, so that NATS
 * permissions can confine a node to its own subjects), one message per line. Readers that do not
 * know the node read every node's subject of the container, and the subject logs had before they
 * named their node. Headers carry the pod
 * uid, the stream (stdout/stderr), the runtime's timestamp, the container id and its restart
 * count, so that readers can filter by pod incarnation and agents can resume without duplicates.
 * The stream is independent of pods and nodes: logs stay readable after both are gone.
 */
import { DeliverPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import type { EventStore } from './eventstore.js';

/** Header names of a log message. */
export const LOG_HEADERS = {
  podUid: 'Wharf-Pod-Uid',
  stream: 'Wharf-Stream',
  time: 'Wharf-Time',
  containerId: 'Wharf-Container-Id',
  restartCount: 'Wharf-Restart-Count',
} as const;

/** Settings of the log stream. */
export interface LogStoreOptions {
  /** Total size of the stream; the oldest lines are discarded past it. Default 1 GiB. */
  maxBytes?: number;
  /** Lines kept per container subject. Default 100000. */
  maxMsgsPerSubject?: number;
  /** Replicas of a new stream; default: the event log stream's. */
  replicas?: number;
}

/** One line to append. `time` is the runtime's RFC 3339 timestamp (nanoseconds allowed). */
export interface LogLineInput {
  text: string;
  stream: 'stdout' | 'stderr';
  time: string;
  podUid: string;
  containerId: string;
  restartCount: number;
}

/** One stored line, as read back. */
export interface LogLine extends LogLineInput {
  /** Stream sequence of the line. */
  seq: number;
}

/** How to read a container's log, with kubectl's meanings. */
export interface LogReadOptions {
  /** Only the last N lines (of the selected pod incarnation). */
  tailLines?: number;
  /** Keep yielding new lines until the signal aborts. */
  follow?: boolean;
  /** Only lines at or after this time. */
  sinceTime?: string | Date;
  /** Only lines of this pod incarnation (a same-named pod created later has another uid). */
  podUid?: string;
  /** Only lines shipped by this node (the pod's spec.nodeName); default: any node. */
  node?: string;
}

/** Compares two RFC 3339 timestamps with up to nanosecond precision; negative when a < b. */
export function compareLogTimes(a: string, b: string): number {
  const ka = timeKey(a);
  const kb = timeKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Nanoseconds since the epoch of an RFC 3339 timestamp (fraction kept exactly). */
export function timeKey(t: string): bigint {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return BigInt(Date.parse(t) || 0) * 1_000_000n;
  const seconds = BigInt(Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000));
  const frac = BigInt(((m[2] ?? '') + '000000000').slice(0, 9));
  return seconds * 1_000_000_000n + frac;
}

function lineOf(data: Uint8Array, h: MsgHdrs | undefined, seq: number): LogLine {
  return {
    text: new TextDecoder().decode(data),
    stream: h?.get(LOG_HEADERS.stream) === 'stderr' ? 'stderr' : 'stdout',
    time: h?.get(LOG_HEADERS.time) ?? '',
    podUid: h?.get(LOG_HEADERS.podUid) ?? '',
    containerId: h?.get(LOG_HEADERS.containerId) ?? '',
    restartCount: Number(h?.get(LOG_HEADERS.restartCount) ?? 0),
    seq,
  };
}

/** Appends and reads container log lines. */
export class LogStore {
  private constructor(readonly store: EventStore) {}

  /** Opens (creating or updating) the cluster's log stream. */
  static async open(store: EventStore, opts: LogStoreOptions = {}): Promise<LogStore> {
    const ls = new LogStore(store);
    await ls.#ensureStream(opts);
    return ls;
  }

  get #stream(): string {
    return this.store.subjects.logStream;
  }

  async #ensureStream(opts: LogStoreOptions): Promise<void> {
    const replicas = opts.replicas ?? (await this.store.currentReplicas());
    const cfg: Partial<StreamConfig> & { name: string } = {
      name: this.#stream,
      subjects: [`${this.store.subjects.prefix}.logs.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_bytes: opts.maxBytes ?? 1024 ** 3,
      max_msgs_per_subject: opts.maxMsgsPerSubject ?? 100_000,
      discard: DiscardPolicy.Old,
      allow_direct: true,
      description: `Wharf container logs of cluster ${this.store.subjects.cluster}`,
    };
    try {
      const info = await this.store.jsm.streams.info(this.#stream);
      if (info.config.max_bytes !== cfg.max_bytes || info.config.max_msgs_per_subject !== cfg.max_msgs_per_subject) {
        // A node's credentials may not change streams: the control plane's settings stay.
        await this.store.jsm.streams.update(this.#stream, { ...info.config, max_bytes: cfg.max_bytes!, max_msgs_per_subject: cfg.max_msgs_per_subject! }).catch((e: Error) => {
          if (!/permission/i.test(e.message)) throw e;
        });
      }
    } catch (e) {
      if (!(e instanceof JetStreamApiError) || e.code !== 10059) throw e;
      try {
        await this.store.jsm.streams.add(cfg);
      } catch (e2) {
        // Another agent created it at the same moment.
        if (!(e2 instanceof JetStreamApiError) || e2.code !== 10058) throw e2;
      }
    }
  }

  /** Appends lines of one container, shipped by `node`, in order; resolves once the stream stored them all. */
  async append(node: string, namespace: string, pod: string, container: string, lines: readonly LogLineInput[]): Promise<void> {
    const subject = this.store.subjects.logs(node, namespace, pod, container);
    await Promise.all(
      lines.map((l) => {
        const h = natsHeaders();
        h.set(LOG_HEADERS.podUid, l.podUid);
        h.set(LOG_HEADERS.stream, l.stream);
        h.set(LOG_HEADERS.time, l.time);
        h.set(LOG_HEADERS.containerId, l.containerId);
        h.set(LOG_HEADERS.restartCount, String(l.restartCount));
        return this.store.js.publish(subject, l.text, { headers: h });
      }),
    );
  }

  /** The last stored line of a container shipped by `node` (`'*'`: by any node, or before logs named their node), or undefined. */
  async last(node: string, namespace: string, pod: string, container: string): Promise<LogLine | undefined> {
    const subjects = node === '*' ? this.#filters(namespace, pod, container) : [this.store.subjects.logs(node, namespace, pod, container)];
    let last: LogLine | undefined;
    for (const s of subjects) {
      const m = await this.store.jsm.direct.getMessage(this.#stream, { last_by_subj: s });
      if (m && (!last || m.seq > last.seq)) last = lineOf(m.data, m.header, m.seq);
    }
    return last;
  }

  /** The subjects a reader of a container looks at when it does not know the node. */
  #filters(namespace: string, pod: string, container: string): string[] {
    return [this.store.subjects.logs('*', namespace, pod, container), this.store.subjects.legacyLogs(namespace, pod, container)];
  }

  /**
   * Reads a container's lines in order: the stored ones (filtered by podUid and sinceTime, the
   * last `tailLines` of them), then, with `follow`, new ones until `signal` aborts.
   */
  async *read(namespace: string, pod: string, container: string, opts: LogReadOptions = {}, signal?: AbortSignal): AsyncGenerator<LogLine> {
    const node = opts.node ?? '*';
    const last = await this.last(node, namespace, pod, container);
    if (!last && !opts.follow) return;
    const since = opts.sinceTime === undefined ? undefined : new Date(opts.sinceTime).toISOString();
    const keep = (l: LogLine) => (!opts.podUid || l.podUid === opts.podUid) && (!since || compareLogTimes(l.time, since) >= 0);
    const tail = opts.tailLines;
    const backlog: LogLine[] = [];
    let caughtUp = !last;
    const c = await this.store.js.consumers.get(this.#stream, {
      filter_subjects: node === '*' ? this.#filters(namespace, pod, container) : [this.store.subjects.logs(node, namespace, pod, container)],
      ...(since ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since } : { deliver_policy: DeliverPolicy.All }),
    });
    const msgs = await c.consume({ max_messages: 1024 });
    const stop = () => msgs.stop();
    if (signal?.aborted) return;
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (!caughtUp && (await this.#noneSince(last!, since))) caughtUp = true;
      if (caughtUp && !opts.follow) return;
      for await (const m of msgs) {
        const line = lineOf(m.data, m.headers, m.seq);
        if (caughtUp) {
          if (keep(line)) yield line;
          continue;
        }
        if (keep(line)) {
          backlog.push(line);
          if (tail !== undefined && backlog.length > tail) backlog.shift();
        }
        if (m.seq >= last!.seq || m.info.pending === 0) {
          caughtUp = true;
          yield* backlog.splice(0);
          if (!opts.follow) return;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      msgs.stop();
    }
  }

  /** True when the subject's last line is older than `since` (a start-time consumer would wait forever). */
  async #noneSince(last: LogLine, since: string | undefined): Promise<boolean> {
    if (!since) return false;
    const m = await this.store.jsm.streams.getMessage(this.#stream, { seq: last.seq });
    return !!m && m.time.getTime() < new Date(since).getTime();
  }
}
