/** wharf-api: owns the flags, listen, logging, TLS, start-up checks and the graceful close around the API plugin. */
import { readFileSync } from 'node:fs';
import Fastify, { LogController } from 'fastify';
import { closeOnSignals, createLogger, natsAuthOf, parseFlags, readControlPlaneSecrets, refuseHostOverlap, shutdownTimeoutMs, StartupError } from '@wharf/store';
import { apiPlugin, serverOptions } from './app.js';
import { AUTHORIZATION_MODES, type AuthorizationMode } from './auth/authorizer.js';
import { defaultConfigPath, writeClientConfig } from './auth/config-file.js';
import { servingCert } from './auth/pki.js';
import { ensureAdminToken } from './bootstrap.js';
import { openApiContext } from './context.js';
import { type Advertised, NodeCredentials } from './join/credentials.js';
import { ControlPlaneMembersList, type LocalControlPlane, readRouteSecret, type RouteSecret } from './controlplane/members.js';
import { issueCert } from '@wharf/pki';
import { DEFAULT_CLUSTER_CIDR, DEFAULT_CLUSTER_DOMAIN, DnsSubdomain, formatIpv4Cidr, isRegistryAddress, parseIpv4Cidr } from '@wharf/model';
import { DEFAULT_SERVICE_CIDR, MAX_SERVICE_PREFIX, MIN_SERVICE_PREFIX, parseServiceCidr } from './admission/clusterip.js';

const FLAGS = {
  listen: { description: 'address to serve the API on (HOST:PORT)', default: '127.0.0.1:6443', env: 'WHARF_API_LISTEN' },
  replicas: { description: 'replicas of the event log stream: 1 on one server, 3 on an R3 cluster', default: '1', env: 'WHARF_REPLICAS' },
  'retention-max-age': { description: 'drop events older than this many seconds (0 keeps all; unset leaves the stream as it is)' },
  'retention-max-bytes': { description: 'cap the event log at this many bytes (-1: no cap; unset leaves the stream as it is)' },
  'snapshot-interval': { description: 'save a projection snapshot after this many events (0: never by count)', default: '10000', env: 'WHARF_SNAPSHOT_INTERVAL' },
  'snapshot-interval-seconds': { description: 'save a snapshot this often when there are new events (0: never by time)', default: '300' },
  'snapshot-keep': { description: 'snapshots to keep; time travel past the log retention reaches back to the oldest', default: '48' },
  'no-snapshots': { description: 'neither load nor save snapshots (start by a full replay)', type: 'boolean' as const },
  'cli-config': { description: 'where to write the CLI config (server + admin token) on first start', env: 'WHARF_CONFIG' },
  'reset-admin-token': { description: 'make a new admin token and write it to the CLI config', type: 'boolean' as const },
  'tls-cert': { description: 'serve HTTPS with this certificate (PEM) instead of one signed by the cluster CA' },
  'tls-key': { description: 'private key for --tls-cert (PEM)' },
  'tls-ca': { description: 'CA of --tls-cert, written into the client configs (PEM)' },
  'tls-san': { description: 'extra names/addresses for the generated certificate, comma-separated' },
  'pki-dir': { description: "the control plane's secrets that 'wharf init' made (cluster CA, NATS operator and account): sign the API certificate with that CA and let nodes join", env: 'WHARF_PKI_DIR' },
  'advertise-url': { description: 'the API URL(s) joining nodes are told, comma-separated (default: the --listen address)', env: 'WHARF_ADVERTISE_URL' },
  'nats-advertise': { description: 'the NATS URL(s) joining nodes are told, comma-separated (default: --nats)', env: 'WHARF_NATS_ADVERTISE' },
  registry: { description: "HOST:PORT of the cluster's image registries (certificates signed by the cluster CA), comma-separated: joining nodes' Docker engines trust them", env: 'WHARF_REGISTRY' },
  'insecure-http': { description: 'serve plain HTTP (kubectl then sends no tokens; loopback development only)', type: 'boolean' as const },
  'service-cluster-ip-range': { description: `the IPv4 range (a /${MIN_SERVICE_PREFIX} to a /${MAX_SERVICE_PREFIX}) that Services' cluster IPs come from; must not overlap this machine's networks. Recorded by the cluster's first API server, and every other must agree (default: the recorded range, else ${DEFAULT_SERVICE_CIDR})`, env: 'WHARF_SERVICE_CIDR' },
  'control-plane-endpoint': { description: 'HOST:PORT that clients are told first (wharf init --control-plane-endpoint); recorded in the control-plane members list when it is made', env: 'WHARF_CONTROL_PLANE_ENDPOINT' },
  'control-plane-name': { description: "this control-plane host's node name: record it (with --advertise-url, --nats-advertise and --nats-route-advertise) in the members list, and keep --nats-routes-file listing every member (a cluster made with --control-plane-endpoint)" },
  'nats-route-advertise': { description: "this host's NATS route URL (nats-route://ADDRESS:PORT) for the members list" },
  'nats-routes-file': { description: "the routes file this host's nats-server includes: rewritten from the members list, then nats-server reloads (SIGHUP to --nats-pid-file)" },
  'nats-pid-file': { description: "this host's nats-server pid file" },
  'nats-seed': { description: 'NAME=nats-route://ADDRESS:PORT of the bootstrap NATS server of the first control-plane host (recorded when the members list is made)' },
  'run-dir': { description: "where this host's detached services keep their pid files (to stop the retired bootstrap NATS server)" },
  'cluster-cidr': { description: "the pod network that /cluster-info advertises until the nodeipam reconciler records the cluster's (wharf-reconcilers --cluster-cidr)", default: DEFAULT_CLUSTER_CIDR, env: 'WHARF_CLUSTER_CIDR' },
  'cluster-domain': { description: 'the cluster DNS domain that /cluster-info advertises', default: DEFAULT_CLUSTER_DOMAIN, env: 'WHARF_CLUSTER_DOMAIN' },
  'authorization-mode': { description: `how requests are authorized, as kube-apiserver's flag: ${AUTHORIZATION_MODES.join(' or ')} (AlwaysAllow lets every authenticated request through)`, default: 'RBAC', env: 'WHARF_AUTHORIZATION_MODE' },
};

/** Starts the API server with the given argv; resolves once it listens. SIGTERM/SIGINT close it gracefully. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const f = parseFlags('wharf-api', 'wharf-api: the Kubernetes-shaped REST API of a Wharf cluster, backed by the JetStream event log.', FLAGS, argv);
  const log = createLogger('wharf-api');
  const [host, portText] = String(f.listen).split(/:(?=\d+$)/);
  const port = Number(portText);
  const authorizationMode = String(f['authorization-mode']) as AuthorizationMode;
  if (!AUTHORIZATION_MODES.includes(authorizationMode)) throw new StartupError(`--authorization-mode must be one of ${AUTHORIZATION_MODES.join(', ')}, got "${authorizationMode}"`);
  if (!host || !Number.isInteger(port)) throw new StartupError(`--listen must be HOST:PORT, got "${String(f.listen)}"`);
  const timeoutMs = shutdownTimeoutMs(f['shutdown-timeout']);
  const serviceCidr = f['service-cluster-ip-range'] === undefined ? undefined : String(f['service-cluster-ip-range']);
  try {
    if (serviceCidr !== undefined) parseServiceCidr(serviceCidr);
  } catch (e) {
    throw new StartupError(`--service-cluster-ip-range: ${(e as Error).message}`);
  }
  let clusterCidr: string;
  try {
    clusterCidr = formatIpv4Cidr(parseIpv4Cidr(String(f['cluster-cidr']).trim()));
  } catch (e) {
    throw new StartupError(`--cluster-cidr: ${(e as Error).message}`);
  }
  const clusterDomain = String(f['cluster-domain']).replace(/\.$/, '');
  if (!DnsSubdomain.safeParse(clusterDomain).success) throw new StartupError(`--cluster-domain must be a DNS name such as cluster.local, got "${String(f['cluster-domain'])}"`);
  const secrets = f['pki-dir'] ? readControlPlaneSecrets(String(f['pki-dir'])) : undefined;
  const { ctx, close } = await openApiContext({
    natsUrl: String(f.nats),
    natsAuth: natsAuthOf(f),
    cluster: String(f.cluster),
    replicas: Number(f.replicas),
    ...(f['retention-max-age'] !== undefined ? { maxAgeSeconds: Number(f['retention-max-age']) } : {}),
    ...(f['retention-max-bytes'] !== undefined ? { maxBytes: Number(f['retention-max-bytes']) } : {}),
    serviceCidr,
    checkServiceRange: (range) => refuseHostOverlap('service-cluster-ip-range', range),
    clusterCidr,
    clusterDomain,
    snapshots: f['no-snapshots'] ? false : { everyEvents: Number(f['snapshot-interval']), everyMs: Number(f['snapshot-interval-seconds']) * 1000, keep: Number(f['snapshot-keep']) },
    log,
  });

  let tls: { cert: string; key: string; ca?: string } | undefined;
  if (f['tls-cert'] || f['tls-key']) {
    if (!f['tls-cert'] || !f['tls-key']) throw new StartupError('--tls-cert and --tls-key go together');
    tls = { cert: readFileSync(String(f['tls-cert']), 'utf8'), key: readFileSync(String(f['tls-key']), 'utf8'), ...(f['tls-ca'] ? { ca: readFileSync(String(f['tls-ca']), 'utf8') } : {}) };
  } else if (!f['insecure-http']) {
    const sans = [host, ...String(f['tls-san'] ?? '').split(',')].map((s) => s.trim());
    tls = secrets ? { ...issueCert(secrets.ca, { commonName: 'wharf-api', hosts: ['127.0.0.1', 'localhost', ...sans], usage: 'server' }), ca: secrets.ca.cert } : await servingCert(ctx.tokens.kv, ctx.store.subjects.cluster, sans);
  }
  if (secrets) {
    const list = (v: unknown, fallback: string) => String(v ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);
    const registries = list(f.registry, '');
    const bad = registries.find((r) => !isRegistryAddress(r));
    if (bad !== undefined) throw new StartupError(`--registry must be HOST:PORT (a host name or IPv4 address), got "${bad}"`);
    const advertised = { apiServers: list(f['advertise-url'], `https://${host}:${port}`), natsServers: list(f['nats-advertise'], String(f.nats)), registries };
    ctx.nodeCredentials = new NodeCredentials(ctx.tokens.kv, secrets, ctx.store.subjects, advertised, String(f.nats), natsAuthOf(f), log.child({ part: 'join' }));
    const secret = readRouteSecret(String(f['pki-dir']));
    if (secret) {
      const local = f['control-plane-name'] ? localControlPlane(f, advertised, secret) : undefined;
      const members = new ControlPlaneMembersList(ctx.tokens.kv, local, advertised, log.child({ part: 'control-plane' }));
      await members.start();
      ctx.controlPlane = { members, secret };
    }
  }
  const app = Fastify({ ...serverOptions, loggerInstance: log, logController: new LogController({ disableRequestLogging: true }), ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}) });
  await app.register(apiPlugin, { ...ctx, authorizationMode });
  app.addHook('onClose', () => {
    ctx.controlPlane?.members.close();
    return close();
  });
  closeOnSignals(() => app.close(), { log, timeoutMs });
  try {
    await app.listen({ host, port });
  } catch (e) {
    throw new StartupError(`cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  const server = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const token = await ensureAdminToken(ctx.tokens, Boolean(f['reset-admin-token']));
  if (token) {
    const path = f['cli-config'] ? String(f['cli-config']) : defaultConfigPath();
    const kubeconfig = writeClientConfig(path, { server, token, cluster: ctx.store.subjects.cluster, ...(tls?.ca ? { certificateAuthority: tls.ca } : {}) });
    log.info({ path, kubeconfig }, 'wrote the admin token to the CLI config and a kubeconfig');
  }
  log.info({ server, cluster: ctx.store.subjects.cluster, authorizationMode }, 'wharf-api listening');
}

/** This host's part in the members list, from the flags; StartupError when one is missing. */
function localControlPlane(f: Record<string, unknown>, advertised: Advertised, secret: RouteSecret): LocalControlPlane {
  const need = (flag: string): string => {
    if (f[flag] === undefined) throw new StartupError(`--control-plane-name needs --${flag}`);
    return String(f[flag]);
  };
  const seed = f['nats-seed'] === undefined ? undefined : /^([^=]+)=(nats-route:\/\/\S+)$/.exec(String(f['nats-seed']));
  if (f['nats-seed'] !== undefined && !seed) throw new StartupError(`--nats-seed must be NAME=nats-route://ADDRESS:PORT, got "${String(f['nats-seed'])}"`);
  return {
    self: { name: String(f['control-plane-name']), apiUrl: advertised.apiServers[0]!, natsUrl: advertised.natsServers[0]!, routeUrl: need('nats-route-advertise') },
    endpoint: f['control-plane-endpoint'] === undefined ? undefined : String(f['control-plane-endpoint']),
    seed: seed ? { name: seed[1]!, routeUrl: seed[2]! } : undefined,
    routesFile: need('nats-routes-file'),
    natsPidFile: f['nats-pid-file'] === undefined ? undefined : String(f['nats-pid-file']),
    runDir: f['run-dir'] === undefined ? undefined : String(f['run-dir']),
    secret,
  };
}
