/**
 * `wharf join --control-plane`: what a control-plane host does besides a node's join. It opens
 * the sealed secrets with the certificate key and writes them (root-only, as init does); makes
 * its own certificates and wharf-api's and wharf-reconcilers' NATS users from them; starts a NATS
 * server in the cluster (routes to every member), then wharf-api and wharf-reconcilers. Once the
 * node is Ready, the third control-plane host moves every stream to 3 replicas and retires the
 * first host's bootstrap NATS server.
 */
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { BundleKeyError, certificateKeyVerifier, type ControlPlaneBundle, type NodeJoinStatus, openBundle, Subjects } from '@wharf/model';
import { issueCert } from '@wharf/pki';
import { connectNats, metaCluster, NatsIdentity, PKI_FILES, type Revocations } from '@wharf/store';
import { CliError } from '../errors.js';
import { daemonCommand } from './bins.js';
import { connectControlPlane } from './clusterconn.js';
import { httpsJson } from './https.js';
import { controlPlaneApiFlags } from './init.js';
import type { JoinOptions } from './join.js';
import { natsFlags, paths, writePublic, writeSecret } from './layout.js';
import { natsClusterName, parseEndpoint, routeSecretPath, serverConfText, writeRoutes } from './natsconf.js';
import { checkNatsServer, checkPortFree } from './preflight.js';
import { controlPlaneServersUp, replicate } from './replicate.js';
import { startService } from './supervise.js';
import { startApiSupervised } from './startall.js';
import { waitFor } from './wait.js';

/** What `join --control-plane` adds to a join. */
export interface ControlPlaneJoin {
  certificateKey: string;
  apiPort: number;
  natsPort: number;
  natsClusterPort: number;
  schedulable: boolean;
  /** The registries the cluster advertises (wharf-api --registry). */
  registries?: string[];
}

/** The URLs this host's servers will have. */
export function controlPlaneUrls(address: string, c: ControlPlaneJoin): { natsUrl: string; routeUrl: string; apiUrl: string; keyVerifier: string } {
  return { natsUrl: `tls://${address}:${c.natsPort}`, routeUrl: `nats-route://${address}:${c.natsClusterPort}`, apiUrl: `https://${address}:${c.apiPort}`, keyVerifier: certificateKeyVerifier(c.certificateKey) };
}

/** Checks the ports before anything is sent. */
export async function preflightControlPlane(address: string, c: ControlPlaneJoin): Promise<void> {
  checkNatsServer();
  await checkPortFree(address, c.natsPort, 'NATS');
  await checkPortFree(address, c.natsClusterPort, 'the NATS routes');
  await checkPortFree(address, c.apiPort, 'the API');
}

type Say = (phase: string, text: string) => void;
type Urls = ReturnType<typeof controlPlaneUrls>;

/** Writes the secrets and certificates, starts NATS (joined to the others), wharf-api and wharf-reconcilers. */
export async function setUpControlPlane(o: JoinOptions, c: ControlPlaneJoin, urls: Urls, s: NodeJoinStatus, say: Say): Promise<void> {
  const p = paths(o.dirs);
  const share = s.controlPlane;
  if (!share) throw new CliError('the control plane answered without its secrets: is it older than this wharf? (join as a worker, or upgrade it)');
  let bundle: ControlPlaneBundle;
  try {
    bundle = openBundle(share.bundle, c.certificateKey);
  } catch (e) {
    if (e instanceof BundleKeyError) throw new CliError(`${e.message} (wharf init printed it, or 'wharf token create --control-plane' on a control-plane host)`);
    throw e;
  }
  say('control-plane-prepare', `writing the cluster's secrets to ${p.pki} (root-only)`);
  writeSecret(join(p.pki, PKI_FILES.caKey), bundle.caKey);
  writePublic(join(p.pki, PKI_FILES.caCert), bundle.caCert);
  writeSecret(join(p.pki, PKI_FILES.natsIdentity), JSON.stringify(bundle.natsIdentity, null, 2));
  writeSecret(routeSecretPath(p), JSON.stringify(bundle.route, null, 2));
  const identity = new NatsIdentity(bundle.natsIdentity, new Subjects(s.cluster));
  writeSecret(join(p.pki, PKI_FILES.systemCreds), await identity.systemUserCreds());
  const ca = { cert: bundle.caCert, key: bundle.caKey };
  const server = issueCert(ca, { commonName: 'wharf-nats', hosts: [o.address, '127.0.0.1', 'localhost'], usage: 'both' });
  writePublic(p.natsCert, server.cert);
  writeSecret(p.natsKey, server.key);
  for (const [who, cn, org] of [['api', 'system:wharf-api', 'system:masters'], ['reconcilers', 'system:wharf-reconcilers', 'system:wharf']] as const) {
    const cert = issueCert(ca, { commonName: cn, organization: org, usage: 'client' });
    writePublic(p.cert(who), cert.cert);
    writeSecret(p.key(who), cert.key);
    writeSecret(p.creds(who), (await identity.mintUser({ role: who })).creds!);
  }

  // The account JWT this server preloads carries the revocations already made: a newer JWT
  // without them would win over the cluster's and let revoked nodes back in.
  const others = s.natsServers.filter((u) => u !== urls.natsUrl).join(',');
  const revocations = await readRevocations(p, others, s.cluster);
  writeSecret(p.natsConf, await serverConfText({ p, identity, accountJwt: await identity.accountJwt(revocations), serverName: `wharf-${s.nodeName}`, listen: `${o.address}:${c.natsPort}`, storeDir: p.natsStore, resolverDir: p.natsResolver, pidFile: p.natsPid, cluster: { name: natsClusterName(s.cluster), listen: `${o.address}:${c.natsClusterPort}`, secret: bundle.route } }));
  writeRoutes(p, share.members, bundle.route);
  say('etcd', `starting nats-server on ${urls.natsUrl}, routes to ${share.members.members.map((m) => m.routeUrl).join(', ')}: ${startService({ name: 'wharf-nats', command: 'nats-server', args: ['-c', p.natsConf], description: 'Wharf NATS server (the event log)' }, p.run)}`);
  const natsUrl = [urls.natsUrl, ...s.natsServers.filter((u) => u !== urls.natsUrl)].join(',');
  await waitFor(`this host's NATS server to join the JetStream cluster`, 120_000, async () => {
    const cp = await connectControlPlane(p, urls.natsUrl, s.cluster, 'wharf join (meta)');
    try {
      const meta = await metaCluster(cp.sys);
      return Boolean(meta && (meta.leader === `wharf-${s.nodeName}` || meta.peers.some((x) => x.name === `wharf-${s.nodeName}` && x.current)));
    } finally {
      await cp.close();
    }
  }, p.run);

  const endpoint = parseEndpoint(share.members.endpoint ?? `${o.address}:${c.apiPort}`, c.apiPort);
  const api = daemonCommand('wharf-api');
  const common = ['--cluster', s.cluster];
  const apiArgs = [...api.args, ...common, ...natsFlags(p, natsUrl, 'api', 'api'), '--listen', `${o.address}:${c.apiPort}`, '--pki-dir', p.pki, '--advertise-url', urls.apiUrl, '--nats-advertise', urls.natsUrl, ...(c.registries?.length ? ['--registry', c.registries.join(',')] : []), ...controlPlaneApiFlags(p, s.nodeName, urls.routeUrl, endpoint)];
  await startApiSupervised({ name: 'wharf-api', command: api.command, args: apiArgs, description: 'Wharf API server' }, p.run, urls.apiUrl, ca.cert, (t) => say('control-plane', t));
  await waitFor('wharf-api to be ready', 30_000, async () => (await httpsJson(`${urls.apiUrl}/readyz`, { ca: ca.cert }).catch(() => undefined))?.status === 200, p.run);
  const rec = daemonCommand('wharf-reconcilers');
  say('control-plane', `wharf-reconcilers: ${startService({ name: 'wharf-reconcilers', command: rec.command, args: [...rec.args, ...common, ...natsFlags(p, natsUrl, 'reconcilers', 'reconcilers')], description: 'Wharf reconcilers (scheduler, replication, endpoints, node lifecycle)' }, p.run)}`);
}

/** The revocation list of the auth bucket, read through the other members' NATS servers. */
async function readRevocations(p: ReturnType<typeof paths>, natsUrl: string, cluster: string): Promise<Revocations> {
  if (!natsUrl) return {};
  const nc = await connectNats(natsUrl, 'wharf join (revocations)', { caFile: p.caCert, certFile: p.cert('api'), keyFile: p.key('api'), credsFile: p.creds('api') });
  try {
    const kv = await new Kvm(nc).open(new Subjects(cluster).authBucket);
    const e = await kv.get('nats.revocations');
    return e?.operation === 'PUT' ? e.json<Revocations>() : {};
  } finally {
    await nc.close();
  }
}

/** After the node is Ready: with three control-plane hosts, every stream moves to 3 replicas (and says so). */
export async function afterControlPlaneJoin(o: JoinOptions, s: NodeJoinStatus, say: Say): Promise<void> {
  const p = paths(o.dirs);
  const natsUrl = controlPlaneUrls(o.address, o.controlPlane!).natsUrl;
  const c = await connectControlPlane(p, natsUrl, s.cluster, 'wharf join (replicas)');
  try {
    // Counted in the JetStream cluster, not in the members list: a host counts once its server is in.
    const servers = await controlPlaneServersUp(c);
    if (servers.length < 3) {
      say('replicas', `${servers.length} control-plane NATS server${servers.length === 1 ? '' : 's'} up (${servers.join(', ')}): the streams keep 1 replica until the third joins`);
      return;
    }
    say('replicas', `three control-plane NATS servers up (${servers.join(', ')}): moving the event log, every bucket and the log stream to 3 replicas`);
    await replicate(c, 3, (t) => say('replicas', t));
  } finally {
    await c.close();
  }
}
