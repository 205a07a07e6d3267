/**
 * A whole Wharf cluster for end-to-end tests: a real nats-server, wharf-api, wharf-reconcilers,
 * several wharf-agent processes (different node names on the one Docker engine) and, per node on
 * request, a wharf-proxy on its own loopback address, driven through the real `wharf` CLI. Containers are labelled with the test's cluster name and removed
 * at the end, with each node's pod network (every agent gets a pod CIDR of its own: see
 * spawnAgent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Docker from 'dockerode';
import { startNats, type NatsHandle } from './nats.js';
import { BIN, startApi, type ApiHandle } from './api.js';
import { spawnAgent, removeClusterContainers, type AgentProcess } from './agent.js';
import { run, type RunResult } from './exec.js';
import { eventually } from './ports.js';
import { removeServiceRange } from '@wharf/proxy';

/** One node to start: its name and extra agent flags (labels, taints). */
export interface NodeSpec {
  name: string;
  args?: string[];
  /** Also run a wharf-proxy for this node, listening on this loopback address (e.g. 127.0.0.2). */
  proxy?: string;
  /** --pod-cidr of the agent: default the next free 10.244.<k>.0/24; false for none (it waits for its Node's podCIDR). */
  podCidr?: string | false;
}

/** A running wharf-proxy. */
export interface ProxyProcess {
  child: ChildProcess;
  address: string;
  output: () => string;
}

/** A running test cluster. */
export interface TestCluster {
  cluster: string;
  nats: NatsHandle;
  api: ApiHandle;
  reconcilers: ChildProcess[];
  agents: Map<string, AgentProcess>;
  /** wharf-proxy per node name. */
  proxies: Map<string, ProxyProcess>;
  docker: Docker;
  /** Runs `wharf ...` against the cluster. */
  wharf(...args: string[]): Promise<RunResult>;
  /** Parsed `wharf get KIND NAME -o json`. */
  getJson<T = Record<string, unknown>>(kind: string, name: string): Promise<T>;
  startAgent(node: NodeSpec): Promise<AgentProcess>;
  /** Starts a node's agent again (after it died) with the same flags and state directory; resolves once it runs. */
  restartAgent(node: string): Promise<AgentProcess>;
  startProxy(node: string, address: string): ProxyProcess;
  startReconcilers(): ChildProcess;
  stop(): Promise<void>;
}

/** Starts nats-server, wharf-api, one wharf-reconcilers and one agent per node; waits for nodes Ready. */
export async function startCluster(cluster: string, nodes: NodeSpec[], reconcilerArgs: string[] = []): Promise<TestCluster> {
  const nats = await startNats();
  const api = await startApi({ natsUrl: nats.url, cluster });
  const docker = new Docker();
  await removeClusterContainers(docker, cluster);
  const env = { HOME: api.home, WHARF_CONFIG: api.configPath };
  const specs = new Map<string, NodeSpec>();
  const c: TestCluster = {
    cluster,
    nats,
    api,
    reconcilers: [],
    agents: new Map(),
    proxies: new Map(),
    docker,
    wharf: (...args) => run(process.execPath, [BIN.cli, ...args], { env }),
    async getJson(kind, name) {
      const r = await c.wharf('get', kind, name, '-o', 'json');
      if (r.code !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout);
    },
    async startAgent(node) {
      const a = spawnAgent(nats.url, cluster, node.name, node.args ?? [], node.podCidr === undefined ? {} : { podCidr: node.podCidr });
      c.agents.set(node.name, a);
      specs.set(node.name, node);
      if (node.proxy) c.startProxy(node.name, node.proxy);
      await eventually(async () => (await c.wharf('get', 'node', node.name)).code === 0, 20_000);
      return a;
    },
    async restartAgent(node) {
      const before = c.agents.get(node)!;
      if (before.child.exitCode === null && before.child.signalCode === null) throw new Error(`the agent of ${node} is still running`);
      const a = spawnAgent(nats.url, cluster, node, specs.get(node)!.args ?? [], { stateDir: before.stateDir, podCidr: before.podCidr ?? false });
      c.agents.set(node, a);
      const exited = a.exited.then((code) => Promise.reject(new Error(`wharf-agent ${node} exited (${code}) on restart:\n${a.output()}`)));
      exited.catch(() => undefined);
      await Promise.race([eventually(() => a.output().includes('agent started'), 30_000), exited]);
      return a;
    },
    startProxy(node, address) {
      // The proxy makes the service CIDR local and serves the cluster DNS (one proxy of the
      // machine binds each cluster IP and 10.96.0.10:53; the others retry). Names outside the
      // cluster go to a dead loopback port, never to the machine's resolver.
      const child = spawn(process.execPath, [BIN.proxy, '--nats', nats.url, '--cluster', cluster, '--node', node, '--address', address, '--dns-upstream', '127.0.0.1:9'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'info' },
      });
      let out = '';
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const p: ProxyProcess = { child, address, output: () => out };
      c.proxies.set(node, p);
      return p;
    },
    startReconcilers() {
      const p = spawn(process.execPath, [BIN.reconcilers, '--nats', nats.url, '--cluster', cluster, ...reconcilerArgs], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'warn' },
      });
      c.reconcilers.push(p);
      return p;
    },
    async stop() {
      const procs = [...c.reconcilers, ...[...c.agents.values()].map((a) => a.child), ...[...c.proxies.values()].map((p) => p.child)];
      await Promise.all(procs.map((p) => new Promise<void>((r) => {
        if (p.exitCode !== null || p.signalCode !== null) return r();
        p.once('exit', () => r());
        p.kill('SIGTERM');
      })));
      await removeClusterContainers(docker, cluster);
      if (c.proxies.size) await removeServiceRange(cluster).catch(() => undefined);
      await api.stop();
      await nats.stop();
    },
  };
  c.startReconcilers();
  for (const n of nodes) await c.startAgent(n);
  return c;
}
