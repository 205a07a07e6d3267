/**
 * A fake, in-memory runtime for hollow nodes (like Kubernetes' kubemark/kwok): containers
 * "start" at once and run until stopped; nothing is executed and no port is opened (published
 * ports get made-up host ports). Networks exist only here: a container on one gets the next
 * address of its subnet. FOR BENCHMARKS AND SCALE TESTS ONLY, never the default:
 * `wharf-agent --runtime fake`.
 */
import { randomBytes } from 'node:crypto';
import { numberToIpv4, parseIpv4Cidr } from '@wharf/model';
import type { ContainerInfo, CreateSpec, ExecResult, NetworkInfo, NetworkSpec, Runtime, RuntimeLogLine } from './runtime.js';

/** The in-memory runtime. */
export class FakeRuntime implements Runtime {
  readonly containers = new Map<string, ContainerInfo>();
  readonly networks = new Map<string, NetworkInfo & { next: number }>();
  /** The network each container joined, by container id. */
  readonly #attached = new Map<string, string>();
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
    const net = spec.network ? this.networks.get(spec.network) : undefined;
    if (spec.network && !net) throw new Error(`network ${spec.network} not found`);
    if (net) {
      this.#attached.set(id, net.name);
      const subnet = parseIpv4Cidr(net.subnets[0]!);
      c.ip = numberToIpv4(subnet.network + 2 + (net.next++ % (2 ** (32 - subnet.prefix) - 3)));
    }
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
    this.#attached.delete(id);
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

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    const n = this.networks.get(name);
    if (!n) return undefined;
    const { next: _next, ...info } = n;
    return { ...info, containers: [...this.#attached].filter(([id, n]) => n === name && this.containers.get(id)?.running).length };
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    if (this.networks.has(spec.name)) throw new Error(`network with name ${spec.name} already exists`);
    this.networks.set(spec.name, { name: spec.name, labels: { ...spec.labels }, subnets: [spec.subnet], gateways: [spec.gateway], bridge: spec.bridge, containers: 0, next: 0 });
  }

  async removeNetwork(name: string): Promise<void> {
    this.networks.delete(name);
  }

  async listNetworks(labels: Record<string, string>): Promise<NetworkInfo[]> {
    const out: NetworkInfo[] = [];
    for (const n of this.networks.values()) if (Object.entries(labels).every(([k, v]) => n.labels[k] === v)) out.push((await this.inspectNetwork(n.name))!);
    return out;
  }

  watch(labels: Record<string, string>, onChange: () => void): () => void {
    const w = { labels, onChange };
    this.#watchers.add(w);
    return () => this.#watchers.delete(w);
  }
}
