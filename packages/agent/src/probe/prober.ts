/**
 * The prober (I/O): one worker per probe of every running container instance that has one. Each
 * worker sleeps until its probe is due (the pure machine says when), runs it, and records the
 * result. A readiness verdict that flips asks the kubelet for a pass (so the status follows); a
 * liveness failure stops the container, and the restart policy brings it back.
 */
import type { Container, Probe } from '@wharf/model';
import type { Logger } from '@wharf/store';
import type { Runtime } from '../runtime/runtime.js';
import { initialState, record, timingOf, type ProbeKind, type ProbeState, type ProbeTiming } from './machine.js';
import { runProbe, type ProbeTarget } from './run.js';

/** A running container that may need probing. */
export interface ProbeSubject extends ProbeTarget {
  pod: string;
  /** When the instance started (ms since the epoch). */
  startedAt: number;
  /** Grace period to stop it with after a failed liveness probe. */
  graceSeconds: number;
}

interface Worker {
  kind: ProbeKind;
  probe: Probe;
  timing: ProbeTiming;
  state: ProbeState;
  subject: ProbeSubject;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/** What the prober needs. */
export interface ProberDeps {
  runtime: Runtime;
  log: Logger;
  /** Called when a readiness verdict changes or a container was stopped. */
  onChange: () => void;
}

const key = (id: string, kind: ProbeKind) => `${id}/${kind}`;
const probeOf = (c: Container, kind: ProbeKind) => (kind === 'readiness' ? c.readinessProbe : c.livenessProbe);

/** Probes the containers of one node. */
export class Prober {
  readonly #workers = new Map<string, Worker>();

  constructor(readonly deps: ProberDeps) {}

  /** The readiness verdict of a container instance; undefined when it has no readiness probe. */
  ready(id: string): boolean | undefined {
    return this.#workers.get(key(id, 'readiness'))?.state.ok;
  }

  /** Makes the workers match the running containers: new instances get workers, gone ones lose them. */
  sync(subjects: readonly ProbeSubject[]): void {
    const wanted = new Set<string>();
    for (const s of subjects) {
      for (const kind of ['readiness', 'liveness'] as const) {
        const probe = probeOf(s.container, kind);
        if (!probe) continue;
        const k = key(s.id, kind);
        wanted.add(k);
        const w = this.#workers.get(k);
        if (w) w.subject = s;
        else this.#start(k, kind, probe, s);
      }
    }
    for (const [k, w] of this.#workers) {
      if (!wanted.has(k)) {
        w.stopped = true;
        if (w.timer) clearTimeout(w.timer);
        this.#workers.delete(k);
      }
    }
  }

  #start(k: string, kind: ProbeKind, probe: Probe, s: ProbeSubject): void {
    const timing = timingOf(probe, kind);
    const w: Worker = { kind, probe, timing, state: initialState(kind, timing, s.startedAt), subject: s, timer: undefined, stopped: false };
    this.#workers.set(k, w);
    this.#schedule(w);
  }

  #schedule(w: Worker): void {
    if (w.stopped) return;
    w.timer = setTimeout(() => void this.#tick(w), Math.max(0, w.state.nextAt - Date.now()));
    w.timer.unref();
  }

  async #tick(w: Worker): Promise<void> {
    const ok = await runProbe(this.deps.runtime, w.probe, w.subject, w.timing.timeoutMs);
    if (w.stopped) return;
    const before = w.state.ok;
    w.state = record(w.state, w.timing, ok, Date.now());
    const s = w.subject;
    if (before !== w.state.ok) {
      this.deps.log.info({ pod: s.pod, container: s.container.name, probe: w.kind, ok: w.state.ok }, `${w.kind} probe ${w.state.ok ? 'succeeded' : 'failed'}`);
      if (w.kind === 'liveness' && !w.state.ok) {
        // Killed like the kubelet does; the restart policy (with back-off) starts it again.
        w.stopped = true;
        await this.deps.runtime.stop(s.id, s.graceSeconds).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'stopping an unhealthy container failed'));
      }
      this.deps.onChange();
    }
    this.#schedule(w);
  }

  /** Stops every worker. */
  stop(): void {
    for (const w of this.#workers.values()) {
      w.stopped = true;
      if (w.timer) clearTimeout(w.timer);
    }
    this.#workers.clear();
  }
}
