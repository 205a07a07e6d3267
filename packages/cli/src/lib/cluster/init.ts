/**
 * `wharf init`: kubeadm init's phases on the first machine. Preflight checks; the cluster CA and
 * every certificate; the NATS operator, accounts and one user per component; nats-server with
 * TLS and those users; wharf-api and wharf-reconcilers; this machine's agent (tainted as a control
 * plane unless asked not to) and proxy; then a bootstrap token and the join command to print. With
 * a registry (`--registry`), it runs docker-registry with a certificate from the CA (or names one
 * that runs), trusts it here, and wharf-api advertises it to joining nodes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caCertHash, clusterDNSAddress, parseIpv4Cidr, Subjects } from '@wharf/model';
import { issueCert, makeCA } from '@wharf/pki';
import { NatsIdentity, newIdentitySeeds, PKI_FILES } from '@wharf/store';
import { natsClusterName, newRouteSecret, parseEndpoint, routeSecretPath, serverConfText, writeRoutes } from './natsconf.js';
import { SEED_SERVICE } from './supervise.js';
import { startApiSupervised } from './startall.js';
import type { Io } from '../base.js';
import { CliError } from '../errors.js';
import { daemonCommand } from './bins.js';
import { httpsJson, statusMessage } from './https.js';
import { type MachineDirs, natsFlags, paths, writePublic, writeSecret } from './layout.js';
import { checkDocker, checkNatsServer, checkPortFree } from './preflight.js';
import { checkRegistry, type InitRegistry, setUpRegistry } from './registry.js';
import { startService } from './supervise.js';
import { waitFor } from './wait.js';

/** The control-plane taint kubeadm puts on its nodes. */
export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';

/** The role label kubeadm puts on control-plane nodes (ROLES in `get nodes`). */
export const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';

/** What `wharf init` was asked. */
export interface InitOptions {
  dirs: MachineDirs;
  address: string;
  nodeName: string;
  cluster: string;
  apiPort: number;
  natsPort: number;
  /** The admin's CLI config (a kubeconfig is written next to it). */
  cliConfig: string;
  schedulable: boolean;
  dockerSocket: string;
  tokenTtlSeconds: number;
  /** Passed to wharf-reconcilers (e.g. 10s, 20s); absent: its defaults. */
  nodeMonitorGracePeriod?: string | undefined;
  podEvictionTimeout?: string | undefined;
  /** wharf-api's --service-cluster-ip-range (unset: its default). */
  serviceCidr?: string | undefined;
  /** The pod network (--cluster-cidr of wharf-api, wharf-reconcilers and the agents; unset: their default). */
  podNetworkCidr?: string | undefined;
  /** ADDRESS[:PORT] that clients are told first; makes a cluster that takes more control-plane hosts (join --control-plane). */
  controlPlaneEndpoint?: string | undefined;
  /** Port of the NATS routes (and the seed's routes on the next port), with --control-plane-endpoint. */
  natsClusterPort?: number | undefined;
  /** The cluster image registry to run or name; absent: none. */
  registry?: InitRegistry | undefined;
  io: Io;
}

/** What init made, for the caller to print. */
export interface InitResult {
  joinCommand: string;
  apiServer: string;
  /** HOST:PORT of the cluster registry, when there is one. */
  registry?: string;
  /** The command that adds a control-plane host (with --control-plane-endpoint). */
  controlPlaneJoinCommand?: string;
}

/** Runs every phase; throws CliError with what went wrong and where to look. */
export async function init(o: InitOptions): Promise<InitResult> {
  const p = paths(o.dirs);
  const say = (phase: string, text: string) => o.io.err(`[${phase}] ${text}\n`);
  const natsUrl = `tls://${o.address}:${o.natsPort}`;
  const apiUrl = `https://${o.address}:${o.apiPort}`;

  say('preflight', 'checking the machine');
  if (existsSync(join(p.pki, PKI_FILES.caKey))) throw new CliError(`this machine already runs a Wharf control plane (${p.pki} exists): run 'wharf reset' first`);
  checkNatsServer();
  checkDocker(o.dockerSocket);
  await checkPortFree(o.address, o.natsPort, 'NATS');
  await checkPortFree(o.address, o.apiPort, 'the API');
  const endpoint = o.controlPlaneEndpoint === undefined ? undefined : parseEndpoint(o.controlPlaneEndpoint, o.apiPort);
  const routePort = o.natsClusterPort ?? 6222;
  if (endpoint) {
    await checkPortFree(o.address, routePort, 'the NATS routes');
    await checkPortFree(o.address, routePort + 1, "the bootstrap NATS server's routes");
  }
  if (o.registry) checkRegistry(o.registry);
  if (o.registry && 'port' in o.registry) await checkPortFree(o.address, o.registry.port, `the registry; Debian's own docker-registry service may hold it: systemctl disable --now docker-registry, or give --registry-port`);

  say('certs', `making the cluster CA and certificates in ${o.dirs.config}`);
  const ca = makeCA(`wharf-ca-${o.cluster}`);
  writeSecret(join(p.pki, PKI_FILES.caKey), ca.key);
  writePublic(join(p.pki, PKI_FILES.caCert), ca.cert);
  writePublic(p.caCert, ca.cert);
  // A route dials out as well as listening: with routes the certificate serves both ways.
  const server = issueCert(ca, { commonName: 'wharf-nats', hosts: [o.address, '127.0.0.1', 'localhost'], usage: endpoint ? 'both' : 'server' });
  writePublic(p.natsCert, server.cert);
  writeSecret(p.natsKey, server.key);
  for (const [who, cn, org] of [['api', 'system:wharf-api', 'system:masters'], ['reconcilers', 'system:wharf-reconcilers', 'system:wharf'], ['node', `system:node:${o.nodeName}`, 'system:nodes']] as const) {
    const c = issueCert(ca, { commonName: cn, organization: org, usage: 'client' });
    writePublic(p.cert(who), c.cert);
    writeSecret(p.key(who), c.key);
  }

  say('nats', 'making the NATS operator, accounts and a user per component');
  const seeds = newIdentitySeeds();
  writeSecret(join(p.pki, PKI_FILES.natsIdentity), JSON.stringify(seeds, null, 2));
  const identity = new NatsIdentity(seeds, new Subjects(o.cluster));
  writeSecret(join(p.pki, PKI_FILES.systemCreds), await identity.systemUserCreds());
  for (const [who, role, node] of [['api', 'api'], ['reconcilers', 'reconcilers'], ['agent', 'agent', o.nodeName], ['proxy', 'proxy', o.nodeName]] as const) {
    writeSecret(p.creds(who), (await identity.mintUser({ role, ...(node ? { node } : {}) })).creds!);
  }
  const selfRoute = `nats-route://${o.address}:${routePort}`;
  const seedRoute = `nats-route://${o.address}:${routePort + 1}`;
  const route = endpoint ? newRouteSecret() : undefined;
  const conf = { p, identity, accountJwt: await identity.accountJwt() };
  const clusterOf = (listen: string, noAdvertise = false) => (route ? { cluster: { name: natsClusterName(o.cluster), listen, secret: route, noAdvertise } } : {});
  writeSecret(p.natsConf, await serverConfText({ ...conf, serverName: `wharf-${o.nodeName}`, listen: `${o.address}:${o.natsPort}`, storeDir: p.natsStore, resolverDir: p.natsResolver, pidFile: p.natsPid, ...clusterOf(`${o.address}:${routePort}`) }));
  if (route) {
    writeSecret(routeSecretPath(p), JSON.stringify(route, null, 2));
    // The routes until wharf-api follows the members list: this server and the seed.
    writeRoutes(p, { members: [{ name: o.nodeName, natsUrl, routeUrl: selfRoute, apiUrl }], seed: { name: `wharf-${o.nodeName}-seed`, routeUrl: seedRoute, retired: false } }, route);
    writeSecret(p.natsSeedConf, await serverConfText({ ...conf, serverName: `wharf-${o.nodeName}-seed`, listen: '127.0.0.1:-1', storeDir: p.natsSeedStore, resolverDir: join(p.natsSeedStore, 'jwt'), ...clusterOf(`${o.address}:${routePort + 1}`, true) }));
    say('nats', `starting the bootstrap NATS server (routes on ${o.address}:${routePort + 1}; JetStream's clustered mode elects its first leader among two servers; it leaves when the third control-plane host joins): ${startService({ name: SEED_SERVICE, command: 'nats-server', args: ['-c', p.natsSeedConf], description: 'Wharf bootstrap NATS server (until the third control-plane host joins)' }, p.run)}`);
  }
  say('nats', `starting nats-server on ${natsUrl}${route ? ` (routes on ${o.address}:${routePort}, mutual TLS and a route password)` : ''}: ${startService({ name: 'wharf-nats', command: 'nats-server', args: ['-c', p.natsConf], description: 'Wharf NATS server (the event log)' }, p.run)}`);

  const registry = o.registry ? await setUpRegistry(o.registry, o.dirs, o.address, ca, (t) => say('registry', t)) : undefined;

  say('control-plane', 'starting wharf-api and wharf-reconcilers');
  const common = ['--cluster', o.cluster];
  const api = daemonCommand('wharf-api');
  const apiArgs = [...api.args, ...common, ...natsFlags(p, natsUrl, 'api', 'api'), '--listen', `${o.address}:${o.apiPort}`, '--pki-dir', p.pki, '--cli-config', o.cliConfig, '--advertise-url', apiUrl, '--nats-advertise', natsUrl, ...(registry ? ['--registry', registry] : []), ...(o.serviceCidr ? ['--service-cluster-ip-range', o.serviceCidr] : []), ...(o.podNetworkCidr ? ['--cluster-cidr', o.podNetworkCidr] : []), ...(endpoint ? controlPlaneApiFlags(p, o.nodeName, selfRoute, endpoint, { name: `wharf-${o.nodeName}-seed`, routeUrl: seedRoute }) : [])];
  await startApiSupervised({ name: 'wharf-api', command: api.command, args: apiArgs, description: 'Wharf API server' }, p.run, apiUrl, ca.cert, (t) => say('control-plane', t));
  await waitFor('wharf-api to be ready', 60_000, async () => (await httpsJson(`${apiUrl}/readyz`, { ca: ca.cert }).catch(() => undefined))?.status === 200 && existsSync(o.cliConfig), p.run);
  const admin = JSON.parse(readFileSync(o.cliConfig, 'utf8')) as { token: string };
  const rec = daemonCommand('wharf-reconcilers');
  say('control-plane', `wharf-reconcilers: ${startService({ name: 'wharf-reconcilers', command: rec.command, args: [...rec.args, ...common, ...natsFlags(p, natsUrl, 'reconcilers', 'reconcilers'), ...(o.nodeMonitorGracePeriod ? ['--node-monitor-grace-period', o.nodeMonitorGracePeriod] : []), ...(o.podEvictionTimeout ? ['--pod-eviction-timeout', o.podEvictionTimeout] : []), ...(o.podNetworkCidr ? ['--cluster-cidr', o.podNetworkCidr] : [])], description: 'Wharf reconcilers (scheduler, replication, endpoints, node lifecycle)' }, p.run)}`);

  say('node', `starting this machine's agent and proxy as node ${o.nodeName}${o.schedulable ? '' : ` (tainted ${CONTROL_PLANE_TAINT})`}`);
  startNode({ dirs: o.dirs, natsUrl, nodeName: o.nodeName, address: o.address, cluster: o.cluster, dockerSocket: o.dockerSocket, taints: o.schedulable ? [] : [CONTROL_PLANE_TAINT], network: { clusterCidr: o.podNetworkCidr, serviceCidr: o.serviceCidr, clusterDns: o.serviceCidr ? clusterDNSAddress(parseIpv4Cidr(o.serviceCidr)) : undefined } }, (t) => say('node', t));
  await waitFor(`node ${o.nodeName} to be Ready`, 90_000, async () => isReady((await httpsJson(`${apiUrl}/api/v1/nodes/${o.nodeName}`, { ca: ca.cert }, { token: admin.token }).catch(() => undefined))?.body), p.run);

  // kubeadm's mark-control-plane: the role label (a node may not give itself a role).
  const labelled = await httpsJson(`${apiUrl}/api/v1/nodes/${o.nodeName}`, { ca: ca.cert }, { method: 'PATCH', token: admin.token, contentType: 'application/merge-patch+json', body: { metadata: { labels: { [CONTROL_PLANE_ROLE]: '' } } } });
  if (labelled.status !== 200) throw new CliError(`could not label node ${o.nodeName} as the control plane: ${statusMessage(labelled)}`);

  say('bootstrap-token', 'making a bootstrap token for joining nodes');
  const created = await httpsJson<{ token: string }>(`${apiUrl}/apis/wharf.io/v1/tokens`, { ca: ca.cert }, { method: 'POST', token: admin.token, body: { type: 'bootstrap', description: 'made by wharf init', ttlSeconds: o.tokenTtlSeconds } });
  if (created.status !== 201) throw new CliError(`could not make a bootstrap token: ${statusMessage(created)}`);
  const target = endpoint ? `${endpoint.host}:${endpoint.port}` : `${o.address}:${o.apiPort}`;
  let controlPlaneJoinCommand: string | undefined;
  if (endpoint) {
    say('upload-certs', 'sealing the control plane\'s secrets under a new certificate key for joining control-plane hosts');
    const cp = await httpsJson<{ token: string; certificateKey: string }>(`${apiUrl}/apis/wharf.io/v1/tokens`, { ca: ca.cert }, { method: 'POST', token: admin.token, body: { type: 'bootstrap', controlPlane: true, description: 'control-plane join, made by wharf init', ttlSeconds: Math.min(o.tokenTtlSeconds || 7200, 7200) } });
    if (cp.status !== 201) throw new CliError(`could not make a control-plane token: ${statusMessage(cp)}`);
    controlPlaneJoinCommand = `wharf join --control-plane --token ${cp.body.token} ${target} --discovery-token-ca-cert-hash ${caCertHash(ca.cert)} --certificate-key ${cp.body.certificateKey}`;
  }
  return { apiServer: apiUrl, ...(registry ? { registry } : {}), ...(controlPlaneJoinCommand ? { controlPlaneJoinCommand } : {}), joinCommand: `wharf join --token ${created.body.token} ${target} --discovery-token-ca-cert-hash ${caCertHash(ca.cert)}` };
}

/** wharf-api's flags on a control-plane host of a cluster made with --control-plane-endpoint. */
export function controlPlaneApiFlags(p: ReturnType<typeof paths>, nodeName: string, routeUrl: string, endpoint: { host: string; port: number }, seed?: { name: string; routeUrl: string }): string[] {
  return ['--control-plane-endpoint', `${endpoint.host}:${endpoint.port}`, '--tls-san', endpoint.host, '--control-plane-name', nodeName, '--nats-route-advertise', routeUrl, '--nats-routes-file', p.natsRoutes, '--nats-pid-file', p.natsPid, '--run-dir', p.run, ...(seed ? ['--nats-seed', `${seed.name}=${seed.routeUrl}`] : [])];
}

/** True when a Node object says Ready. */
export function isReady(node: unknown): boolean {
  const conditions = (node as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** What a node's agent and proxy need. */
export interface NodeStart {
  dirs: MachineDirs;
  natsUrl: string;
  nodeName: string;
  address: string;
  cluster: string;
  dockerSocket: string;
  taints: string[];
  /** The cluster's ranges (unset: the daemons' defaults, which are the cluster's). */
  network?: NodeNetwork;
}

/** The ranges a node's agent and proxy must agree with the control plane on (/cluster-info advertises them). */
export interface NodeNetwork {
  clusterCidr?: string | undefined;
  serviceCidr?: string | undefined;
  clusterDns?: string | undefined;
  clusterDomain?: string | undefined;
}

const opt = (flag: string, v: string | undefined): string[] => (v ? [flag, v] : []);

/** Starts a machine's wharf-agent and wharf-proxy with the node's credentials. */
export function startNode(n: NodeStart, say: (text: string) => void): void {
  const p = paths(n.dirs);
  const agent = daemonCommand('wharf-agent');
  const agentArgs = [...agent.args, '--cluster', n.cluster, ...natsFlags(p, n.natsUrl, 'agent', 'node', true), '--node', n.nodeName, '--address', n.address, '--state-dir', p.agentState, '--docker-socket', n.dockerSocket, ...(n.taints.length ? ['--taints', n.taints.join(',')] : []), ...opt('--cluster-cidr', n.network?.clusterCidr), ...opt('--cluster-dns', n.network?.clusterDns), ...opt('--cluster-domain', n.network?.clusterDomain)];
  say(`wharf-agent: ${startService({ name: 'wharf-agent', command: agent.command, args: agentArgs, description: 'Wharf node agent' }, p.run)}`);
  const proxy = daemonCommand('wharf-proxy');
  const proxyArgs = [...proxy.args, '--cluster', n.cluster, ...natsFlags(p, n.natsUrl, 'proxy', 'node', true), '--node', n.nodeName, '--address', n.address, ...opt('--service-cidr', n.network?.serviceCidr), ...opt('--cluster-dns', n.network?.clusterDns), ...opt('--cluster-domain', n.network?.clusterDomain)];
  say(`wharf-proxy: ${startService({ name: 'wharf-proxy', command: proxy.command, args: proxyArgs, description: 'Wharf NodePort proxy' }, p.run)}`);
}
