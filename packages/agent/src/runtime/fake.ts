/**
 * A fake, in-memory runtime for hollow nodes (like Kubernetes' kubemark/kwok): containers
 * "start" at once and run until stopped; nothing is executed and no port is opened (published
 * ports get made-up host ports). FOR BENCHMARKS AND SCALE TESTS ONLY, never the default:
 * `wharf-agent --runtime fake`.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerInfo, CreateSpec, ExecResult, Runtime, RuntimeLogLine } from './runtime.js';

/** The in-memory runtime. */
export class FakeRuntime implements Runtime {
  readonly containers = new Map<string, ContainerInfo>();
  #watchers = new Set<{ labels: Record<string, string>; onChange: () => void }>();
  #nextPort = 40000 + Math.floor(Math.random() * 10000);

  async version(): Promise<string> {
    return 'fake://1.0.0';
  }

  #matches(c: ContainerInfo, labels: Record<string, string>): boolean {
    return Object.entries(labels).every(([k, v]) => c.labels[k] === v);
  }

  #notify(c: ContainerInfo): void {
    for (const w of this.#watchers) if (this.#matches(c, w.labels)) setImmediate(w.onChange);
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    return [...this.containers.values()].filter((c) => this.#matches(c, labels)).map((c) => ({ ...c }));
  }

  /** Hollow containers run nothing: every probe command succeeds. */
  async exec(_id: string, _cmd: string[], _timeoutMs: number): Promise<ExecResult> {
    return { exitCode: 0, output: '' };
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    const c = this.containers.get(id);
    return c && { ...c };
  }

  async start(spec: CreateSpec): Promise<string> {
    const id = randomBytes(32).toString('hex');
    const now = new Date().toISOString();
    const c: ContainerInfo = {
      id,
      name: spec.name,
      labels: { ...spec.labels },
      image: spec.image,
      imageID: `fake://${spec.image}`,
      running: true,
      exitCode: 0,
      oomKilled: false,
      error: '',
      startedAt: now,
      createdAt: now,
      ports: spec.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort || this.#nextPort++ })),
    };
    this.containers.set(id, c);
    this.#notify(c);
    return id;
  }

  async stop(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c || !c.running) return;
    c.running = false;
    c.exitCode = 143;
    c.finishedAt = new Date().toISOString();
    this.#notify(c);
  }

  /** Makes a container exit as if killed (tests). */
  kill(id: string): void {
    const c = this.containers.get(id);
    if (!c || !c.running) return;
    c.running = false;
    c.exitCode = 137;
    c.finishedAt = new Date().toISOString();
    this.#notify(c);
  }

  async remove(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.containers.delete(id);
    this.#notify(c);
  }

  async removeVolumes(): Promise<void> {}

  async hasImage(): Promise<boolean> {
    return true;
  }

  async pull(): Promise<void> {}

  logs(_id: string, _since: number, signal: AbortSignal): AsyncIterable<RuntimeLogLine> {
    // A hollow container prints nothing: the stream ends when the shipper stops following it.
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<RuntimeLogLine>>((r) => {
          if (signal.aborted) return r({ done: true, value: undefined });
          signal.addEventListener('abort', () => r({ done: true, value: undefined }), { once: true });
        }),
      }),
    };
  }

  watch(labels: Record<string, string>, onChange: () => void): () => void {
    const w = { labels, onChange };
    this.#watchers.add(w);
    return () => this.#watchers.delete(w);
  }
}
