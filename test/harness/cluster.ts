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
import { testRanges, type TestRanges, withFlag } from './ranges.js';

/** One node to start: its name and extra agent flags (labels, taints). */
export interface NodeSpec {
  name: string;
  args?: string[];
  /** Also run a wharf-proxy for this node, listening on this loopback address (e.g. 127.0.0.2). */
  proxy?: string;
  /** --pod-cidr of the agent (standalone); default none: the cluster's nodeipam reconciler assigns the Node one. */
  podCidr?: string | false;
  /** Extra wharf-proxy flags (e.g. --dns-upstream). */
  proxyArgs?: string[];
  /** startCluster waits for the Node to be Ready (default); false: a node meant to stay NotReady. */
  waitReady?: boolean;
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
  /** The cluster's own pod network, service range and DNS address (harness/ranges.ts). */
  ranges: TestRanges;
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
  startProxy(node: string, address: string, extra?: string[]): ProxyProcess;
  startReconcilers(): ChildProcess;
  stop(): Promise<void>;
}

/** Starts nats-server, wharf-api, one wharf-reconcilers and one agent per node; waits for nodes Ready. */
export async function startCluster(cluster: string, nodes: NodeSpec[], reconcilerArgs: string[] = [], ranges: TestRanges = testRanges()): Promise<TestCluster> {
  const nats = await startNats();
  const api = await startApi({ natsUrl: nats.url, cluster, extraArgs: ['--service-cluster-ip-range', ranges.serviceCidr, '--cluster-cidr', ranges.clusterCidr] });
  const agentArgs = (args: readonly string[]) => withFlag(withFlag(args, '--cluster-cidr', ranges.clusterCidr), '--cluster-dns', ranges.clusterDns);
  const docker = new Docker();
  await removeClusterContainers(docker, cluster);
  const env = { HOME: api.home, WHARF_CONFIG: api.configPath };
  const specs = new Map<string, NodeSpec>();
  const c: TestCluster = {
    cluster,
    ranges,
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
      const a = spawnAgent(nats.url, cluster, node.name, agentArgs(node.args ?? []), { podCidr: node.podCidr ?? false });
      c.agents.set(node.name, a);
      specs.set(node.name, node);
      if (node.proxy) c.startProxy(node.name, node.proxy, node.proxyArgs);
      await eventually(async () => (await c.wharf('get', 'node', node.name)).code === 0, 20_000);
      return a;
    },
    async restartAgent(node) {
      const before = c.agents.get(node)!;
      if (before.child.exitCode === null && before.child.signalCode === null) throw new Error(`the agent of ${node} is still running`);
      const a = spawnAgent(nats.url, cluster, node, agentArgs(specs.get(node)!.args ?? []), { stateDir: before.stateDir, podCidr: before.podCidr ?? false });
      c.agents.set(node, a);
      const exited = a.exited.then((code) => Promise.reject(new Error(`wharf-agent ${node} exited (${code}) on restart:\n${a.output()}`)));
      exited.catch(() => undefined);
      await Promise.race([eventually(() => a.output().includes('agent started'), 60_000).catch((e: Error) => Promise.reject(new Error(`wharf-agent ${node} did not start again: ${e.message}:\n${a.output()}`))), exited]);
      return a;
    },
    startProxy(node, address, extra = []) {
      // The proxy makes the service CIDR local and serves the cluster DNS (one proxy of the
      // machine binds each cluster IP and its cluster DNS address:53; the others retry). Names outside the
      // cluster go to a dead loopback port, never to the machine's resolver.
      const child = spawn(process.execPath, [BIN.proxy, '--nats', nats.url, '--cluster', cluster, '--node', node, '--address', address, '--dns-upstream', '127.0.0.1:9', ...withFlag(withFlag(extra, '--service-cidr', ranges.serviceCidr), '--cluster-dns', ranges.clusterDns)], {
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
      const p = spawn(process.execPath, [BIN.reconcilers, '--nats', nats.url, '--cluster', cluster, ...withFlag(reconcilerArgs, '--cluster-cidr', ranges.clusterCidr)], {
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
  // A node is Ready once its pod network is up (its podCIDR from nodeipam, then its bridge).
  for (const n of nodes.filter((x) => x.waitReady !== false)) {
    await eventually(async () => {
      // Asked of the API directly: a CLI process per poll would cost more than the wait.
      const r = await c.api.fetch(`/api/v1/nodes/${n.name}`);
      const node = r.ok ? ((await r.json()) as { status?: { conditions?: { type: string; status: string }[] } }) : undefined;
      return node?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
    }, 60_000, 200).catch(async (e: Error) => {
      const yaml = (await c.wharf('get', 'node', n.name, '-o', 'yaml')).stdout;
      throw new Error(`node ${n.name} did not become Ready: ${e.message}\n${yaml}\nagent log:\n${c.agents.get(n.name)?.output().slice(-3000)}`);
    });
  }
  return c;
}
