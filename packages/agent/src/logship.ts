/**
 * Log shipping: follows each app container's output through the runtime and appends it to the
 * cluster's log stream on the node's own subjects, one message per line. Instances of one container ship one after another
 * (oldest first), so a subject's last line always tells where to resume: after an agent restart
 * a container's shipping resumes after the last shipped timestamp, without duplicates.
 */
import { type Logger, type LogLineInput, LogStore, timeKey } from '@wharf/store';
import { INFRA, type Observed } from './labels.js';
import type { Runtime } from './runtime/runtime.js';
import { setMaxListeners } from 'node:events';

/** Where shipping of one instance starts, given the last line shipped on its subject. Pure. */
export function resumePoint(o: Pick<Observed, 'podUid' | 'restartCount'>, last: Pick<LogLineInput, 'podUid' | 'restartCount' | 'time'> | undefined): { skip: true } | { skip: false; sinceSeconds: number; after?: bigint } {
  if (!last || last.podUid !== o.podUid || last.restartCount < o.restartCount) return { skip: false, sinceSeconds: 0 };
  if (last.restartCount > o.restartCount) return { skip: true };
  const after = timeKey(last.time);
  return { skip: false, sinceSeconds: Number(after / 1_000_000_000n), after };
}

/** An AbortController whose signal may have any number of listeners. */
function unlimited(c: AbortController): AbortController {
  setMaxListeners(0, c.signal);
  return c;
}

/** Ships the logs of a node's containers. */
export class LogShipper {
  #active = new Map<string, Promise<void>>();
  #chains = new Map<string, Promise<void>>();
  #done = new Set<string>();
  // One signal ends every container's log stream: any number of listeners is expected.
  #abort = unlimited(new AbortController());

  constructor(readonly logs: LogStore, readonly runtime: Runtime, readonly log: Logger, readonly node: string) {}

  /**
   * Starts shipping every app container in `containers` that is not shipping or shipped yet and
   * has started: one still being started has no output, and Docker would hold its log stream
   * until the start is over, while the pass after the start ships it.
   */
  ensure(containers: readonly Observed[]): void {
    const sorted = containers.filter((o) => o.container !== INFRA && (o.info.running || o.info.startedAt)).sort((a, b) => a.restartCount - b.restartCount);
    for (const o of sorted) {
      if (this.#active.has(o.id) || this.#done.has(o.id) || this.#abort.signal.aborted) continue;
      const key = `${o.podUid}/${o.container}`;
      const before = this.#chains.get(key) ?? Promise.resolve();
      const run = before.then(() => this.#ship(o)).catch((e: Error & { statusCode?: number }) => {
        // A container being removed (409) or already gone (404) has nothing more to ship.
        if (e.statusCode === 404 || e.statusCode === 409) this.#done.add(o.id);
        else this.log.warn({ err: e.message, container: o.id }, 'log shipping failed; will retry');
      });
      const tracked = run.finally(() => this.#active.delete(o.id));
      this.#active.set(o.id, tracked);
      this.#chains.set(key, tracked);
    }
  }

  async #ship(o: Observed): Promise<void> {
    const last = await this.logs.last(this.node, o.namespace, o.pod, o.container);
    const from = resumePoint(o, last);
    if (from.skip) {
      this.#done.add(o.id);
      return;
    }
    let batch: LogLineInput[] = [];
    let flushing: Promise<void> = Promise.resolve();
    const flush = () => {
      const lines = batch;
      batch = [];
      flushing = flushing.then(() => this.logs.append(this.node, o.namespace, o.pod, o.container, lines));
      return flushing;
    };
    for await (const l of this.runtime.logs(o.id, from.sinceSeconds, this.#abort.signal)) {
      if (from.after !== undefined && timeKey(l.time) <= from.after) continue;
      batch.push({ text: l.text, stream: l.stream, time: l.time, podUid: o.podUid, containerId: o.id, restartCount: o.restartCount });
      if (batch.length >= 256) await flush();
      else if (batch.length === 1) setImmediate(() => void (batch.length && flush()));
    }
    await flush();
    await flushing;
    const now = await this.runtime.inspect(o.id);
    if (!now?.running) this.#done.add(o.id);
  }

  /** Waits (at most `ms`) until the container's output is shipped; call before removing it. */
  async drain(id: string, ms = 5000): Promise<void> {
    const p = this.#active.get(id);
    if (p) await Promise.race([p, new Promise((r) => setTimeout(r, ms))]);
    this.#done.delete(id);
  }

  /** Stops shipping (the next agent resumes where this one stopped). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.race([Promise.allSettled([...this.#active.values()]), new Promise((r) => setTimeout(r, 2000))]);
  }
}
