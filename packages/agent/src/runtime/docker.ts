/** The Docker implementation of the runtime interface, on dockerode. */
import Docker from 'dockerode';
import { Readable } from 'node:stream';
import { DockerUnavailableError, type ContainerInfo, type CreateSpec, type ExecResult, type ListOptions, type NetworkInfo, type NetworkSpec, type PublishedPort, type Runtime, type RuntimeLogLine } from './runtime.js';
import { demuxLines } from './demux.js';

const NEVER = '0001-01-01T00:00:00Z';
const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;

/** Labels as Docker filters want them. */
function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

function ports(p: Docker.ContainerInspectInfo['NetworkSettings']['Ports'] | undefined): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, binds] of Object.entries(p ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of binds ?? []) out.push({ containerPort: Number(port), protocol: (proto ?? 'tcp') as PublishedPort['protocol'], hostIp: b.HostIp, hostPort: Number(b.HostPort) });
  }
  return out;
}

/** Maps `docker inspect` onto ContainerInfo. */
export function infoOf(i: Docker.ContainerInspectInfo): ContainerInfo {
  const s = i.State;
  const info: ContainerInfo = {
    id: i.Id,
    name: i.Name.replace(/^\//, ''),
    labels: i.Config.Labels ?? {},
    image: i.Config.Image,
    imageID: `docker://${i.Image}`,
    running: s.Running,
    exitCode: s.ExitCode || (s.Error ? 128 : 0),
    oomKilled: s.OOMKilled,
    error: s.Error ?? '',
    createdAt: i.Created,
    ports: ports(i.NetworkSettings?.Ports),
  };
  const ip = (i.NetworkSettings as { IPAddress?: string } | undefined)?.IPAddress || Object.values(i.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  if (ip) info.ip = ip;
  if (s.StartedAt && s.StartedAt !== NEVER) info.startedAt = s.StartedAt;
  if (!s.Running && s.FinishedAt && s.FinishedAt !== NEVER) info.finishedAt = s.FinishedAt;
  return info;
}

/**
 * A row of `docker ps` as the engine sends it: a port that is not published has no IP and no
 * PublicPort (@types/dockerode declares both required).
 */
export type PsRow = Omit<Docker.ContainerInfo, 'Ports'> & { Ports?: (Omit<Docker.Port, 'IP' | 'PublicPort'> & Partial<Pick<Docker.Port, 'IP' | 'PublicPort'>>)[] };

/** What `docker ps` alone says of a container (no exit code, start time or address). */
export function rowInfo(r: PsRow): ContainerInfo {
  return {
    id: r.Id,
    name: (r.Names[0] ?? r.Id).replace(/^\//, ''),
    labels: r.Labels ?? {},
    image: r.Image,
    imageID: `docker://${r.ImageID}`,
    running: r.State === 'running',
    exitCode: 0,
    oomKilled: false,
    error: '',
    createdAt: new Date(r.Created * 1000).toISOString(),
    ports: (r.Ports ?? []).flatMap((p) => (p.PublicPort ? [{ containerPort: p.PrivatePort, protocol: p.Type as PublishedPort['protocol'], hostIp: p.IP ?? '', hostPort: p.PublicPort }] : [])),
  };
}

/** The option of Docker's bridge driver naming the bridge interface. */
const BRIDGE_NAME = 'com.docker.network.bridge.name';

/** Maps `docker network inspect` onto NetworkInfo. */
export function networkInfoOf(n: Docker.NetworkInspectInfo): NetworkInfo {
  const config = n.IPAM?.Config ?? [];
  const info: NetworkInfo = {
    name: n.Name,
    labels: n.Labels ?? {},
    subnets: config.flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
    gateways: config.flatMap((c) => (c.Gateway ? [c.Gateway] : [])),
    containers: Object.keys(n.Containers ?? {}).length,
  };
  const bridge = n.Options?.[BRIDGE_NAME];
  if (bridge) info.bridge = bridge;
  return info;
}

/** Drives a Docker engine through its socket. */
export class DockerRuntime implements Runtime {
  readonly docker: Docker;
  #cache = new Map<string, { state: string; info: ContainerInfo }>();

  constructor(readonly socketPath = '/var/run/docker.sock') {
    this.docker = new Docker({ socketPath });
  }

  async version(): Promise<string> {
    try {
      await this.docker.ping();
      const v = await this.docker.version();
      return `docker://${v.Version.split('+')[0]}`;
    } catch {
      throw new DockerUnavailableError(`dockerd is not running at ${this.socketPath}: start it with 'dockerd &' or 'systemctl start docker'`);
    }
  }

  async list(labels: Record<string, string>, opts: ListOptions = {}): Promise<ContainerInfo[]> {
    const rows = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } });
    const seen = new Set(rows.map((r) => r.Id));
    // Only containers whose state changed since the last look are inspected, all at once. One
    // being started is described from the list instead when the caller allows it: an inspect
    // would wait until its start (network set-up included) is over.
    const infos = await Promise.all(
      rows.map((r) => {
        const cached = this.#cache.get(r.Id);
        if (cached && cached.state === r.State) return cached.info;
        if (opts.fromCache?.(r.Labels ?? {})) return cached?.info ?? rowInfo(r);
        return this.inspect(r.Id);
      }),
    );
    for (const id of this.#cache.keys()) if (!seen.has(id)) this.#cache.delete(id);
    return infos.filter((i): i is ContainerInfo => i !== undefined);
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    try {
      const i = await this.docker.getContainer(id).inspect();
      const info = infoOf(i);
      this.#cache.set(id, { state: i.State.Status, info });
      return info;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async start(spec: CreateSpec): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : '' });
    }
    const volumeLabels = Object.fromEntries(Object.entries(spec.labels).filter(([k]) => ['wharf.cluster', 'wharf.node', 'wharf.pod-uid'].includes(k)));
    const c: Docker.Container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      Env: spec.env,
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      Labels: spec.labels,
      ...(spec.hostname ? { Hostname: spec.hostname } : {}),
      ExposedPorts: exposed,
      HostConfig: {
        ...(spec.joinNetworkOf ? { NetworkMode: `container:${spec.joinNetworkOf}` } : spec.network ? { NetworkMode: spec.network } : {}),
        PortBindings: bindings,
        Binds: spec.mounts.filter((m) => m.kind === 'bind').map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
        Mounts: spec.mounts
          .filter((m) => m.kind === 'memory')
          .map((m) => ({ Type: 'volume' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly, VolumeOptions: { NoCopy: false, Labels: volumeLabels, DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } } } })),
        ...(spec.nanoCpus ? { NanoCpus: spec.nanoCpus } : {}),
        ...(spec.memoryBytes ? { Memory: spec.memoryBytes } : {}),
      },
    });
    try {
      await c.start();
    } catch {
      // The container exists and says why it did not start (State.Error); the diff sees it exited.
    }
    return c.id;
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (e) {
      if (statusOf(e) !== 304 && statusOf(e) !== 404) throw e;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (statusOf(e) !== 404 && statusOf(e) !== 409) throw e;
    }
    this.#cache.delete(id);
  }

  async removeVolumes(labels: Record<string, string>): Promise<void> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: labelFilter(labels) } });
    for (const v of Volumes ?? []) {
      try {
        await this.docker.getVolume(v.Name).remove();
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  async pull(image: string): Promise<void> {
    const stream = (await this.docker.pull(image)) as Readable;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  async *logs(id: string, sinceSeconds: number, signal: AbortSignal): AsyncIterable<RuntimeLogLine> {
    const stream = await this.docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true, timestamps: true, since: sinceSeconds });
    // docker-modem hands over the HTTP response, a stream.Readable (@types/dockerode says NodeJS.ReadableStream).
    if (!(stream instanceof Readable)) throw new Error(`docker logs of ${id} did not return a stream`);
    const stop = () => stream.destroy();
    signal.addEventListener('abort', stop, { once: true });
    try {
      yield* demuxLines(stream);
    } finally {
      signal.removeEventListener('abort', stop);
      stream.destroy();
    }
  }

  async exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const e = await this.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = (await e.start({ hijack: true, stdin: false })) as Readable;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`command timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      stream.on('data', (d: Buffer) => {
        if (output.length < 4096) output += d.toString('utf8');
      });
      stream.on('error', () => undefined);
      stream.on('end', () => (clearTimeout(timer), resolve()));
      stream.on('close', () => (clearTimeout(timer), resolve()));
    });
    // The exit code can lag the end of the output by a moment.
    for (let i = 0; ; i++) {
      const info = await e.inspect();
      if ((info.ExitCode !== null && info.ExitCode !== undefined && !info.Running) || i >= 10) return { exitCode: info.ExitCode ?? -1, output };
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    try {
      return networkInfoOf((await this.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.docker.createNetwork({
      Name: spec.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
      Options: { [BRIDGE_NAME]: spec.bridge, 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      Labels: spec.labels,
    });
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove();
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async listNetworks(labels: Record<string, string>): Promise<NetworkInfo[]> {
    const rows = await this.docker.listNetworks({ filters: { label: labelFilter(labels) } });
    const infos = await Promise.all(rows.map((r) => this.inspectNetwork(r.Name)));
    return infos.filter((i): i is NetworkInfo => i !== undefined);
  }

  watch(labels: Record<string, string>, onChange: () => void): () => void {
    let stopped = false;
    let current: Readable | undefined;
    const connect = () => {
      if (stopped) return;
      this.docker.getEvents({ filters: { type: ['container'], label: labelFilter(labels), event: ['create', 'start', 'die', 'destroy'] } }).then(
        (s) => {
          current = s as Readable;
          current.on('data', () => onChange());
          // Whatever happened while the stream was down (or before it was up) was not announced.
          onChange();
          current.on('error', () => undefined);
          current.on('close', () => setTimeout(connect, 1000));
          if (stopped) current.destroy();
        },
        () => setTimeout(connect, 1000),
      );
    };
    connect();
    return () => {
      stopped = true;
      current?.destroy();
    };
  }
}
