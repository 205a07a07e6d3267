/**
 * `wharf join`: kubeadm join's discovery and TLS bootstrap. Fetch the cluster's CA from
 * /cluster-info and check it against the pin (refuse a mismatch, warn when unpinned); from then
 * on trust only that CA. Make this node's keys here (a certificate request, and an nkey each for
 * the agent's and the proxy's NATS users), trade the bootstrap token for their signatures, write
 * them, start the agent and the proxy, and wait until the node is Ready.
 */
import { createUser } from '@nats-io/nkeys';
import { fmtCreds } from '@nats-io/jwt';
import { caCertHash, CERTIFICATE_KEY_PATTERN, CLUSTER_INFO_PATH, type ClusterInfo, JOIN_API_VERSION, JOIN_PATH, mustKind, type Node, type NodeJoinStatus, type Stored, TOKEN_PATTERN } from '@wharf/model';
import { makeCsr } from '@wharf/pki';
import { EventStore, readObject } from '@wharf/store';
import type { Io } from '../base.js';
import { CliError } from '../errors.js';
import { httpsJson, type JsonAnswer, statusMessage } from './https.js';
import { type MachineDirs, paths, writePublic, writeSecret } from './layout.js';
import { checkDocker } from './preflight.js';
import { CONTROL_PLANE_TAINT, isReady, startNode } from './init.js';
import { afterControlPlaneJoin, type ControlPlaneJoin, controlPlaneUrls, preflightControlPlane, setUpControlPlane } from './cpjoin.js';
import { waitFor } from './wait.js';
import { trustRegistries } from '../registry/index.js';

/** What `wharf join` was asked. */
export interface JoinOptions {
  dirs: MachineDirs;
  /** host:port of an API server. */
  endpoint: string;
  token: string;
  /** `sha256:<hex>`; absent: unpinned (warned). */
  caCertHash?: string | undefined;
  nodeName: string;
  address: string;
  dockerSocket: string;
  /** Join as a control-plane host (a control-plane token and its certificate key). */
  controlPlane?: ControlPlaneJoin | undefined;
  io: Io;
}

/** Checks the arguments' form before anything is sent. */
export function checkJoinArgs(o: Pick<JoinOptions, 'endpoint' | 'token' | 'caCertHash' | 'controlPlane'>): void {
  if (!/^[^\s/:]+:\d{1,5}$/.test(o.endpoint)) throw new CliError(`"${o.endpoint}" is not ADDRESS:PORT of the control plane (e.g. 10.0.0.1:6443)`);
  if (!TOKEN_PATTERN.test(o.token)) throw new CliError('--token must be a bootstrap token of the form abcdef.0123456789abcdef (wharf token create on the control plane)');
  if (o.caCertHash !== undefined && !/^sha256:[0-9a-f]{64}$/.test(o.caCertHash)) throw new CliError('--discovery-token-ca-cert-hash must be sha256: and 64 hex digits, as wharf init printed it');
  if (o.controlPlane && !CERTIFICATE_KEY_PATTERN.test(o.controlPlane.certificateKey)) throw new CliError('--certificate-key must be the 64 hex digits printed with the control-plane token (wharf init, or wharf token create --control-plane)');
  if (o.controlPlane && o.caCertHash === undefined) throw new CliError('a control-plane host receives the cluster\'s secrets: give --discovery-token-ca-cert-hash (never join a control plane unpinned)');
}

/** Joins this machine; returns the node name once it is Ready. */
export async function join(o: JoinOptions): Promise<string> {
  checkJoinArgs(o);
  const say = (phase: string, text: string) => o.io.err(`[${phase}] ${text}\n`);
  const base = `https://${o.endpoint}`;
  checkDocker(o.dockerSocket);
  if (o.controlPlane) await preflightControlPlane(o.address, o.controlPlane);

  say('discovery', `fetching the cluster CA from ${base}${CLUSTER_INFO_PATH}`);
  const info = await httpsJson<ClusterInfo>(`${base}${CLUSTER_INFO_PATH}`, { insecure: true });
  if (info.status !== 200 || (info.body as ClusterInfo).kind !== 'ClusterInfo') throw new CliError(`${o.endpoint} is not a Wharf control plane that lets nodes join: ${statusMessage(info)}`);
  const ca = info.body.caCertificate;
  const hash = caCertHash(ca);
  if (o.caCertHash === undefined) say('discovery', `WARNING: no --discovery-token-ca-cert-hash: the control plane's CA (${hash}) is trusted without being checked`);
  else if (o.caCertHash !== hash) throw new CliError(`the control plane's CA is ${hash}, not the pinned ${o.caCertHash}: refusing to join (is ${o.endpoint} the right address?)`);
  else say('discovery', `the cluster CA matches the pin ${hash}`);
  if (o.controlPlane && !info.body.controlPlaneEndpoint) throw new CliError(`the cluster at ${o.endpoint} takes no more control-plane hosts: it was made without 'wharf init --control-plane-endpoint'`);
  const cp = o.controlPlane ? controlPlaneUrls(o.address, o.controlPlane) : undefined;

  say('kubelet-start', `making this node's keys and asking to join as ${o.nodeName}`);
  const { csr, key } = makeCsr({ commonName: `system:node:${o.nodeName}`, organization: 'system:nodes' });
  const agentKey = createUser();
  const proxyKey = createUser();
  const answer = await httpsJson<{ status: NodeJoinStatus }>(`${base}${JOIN_PATH}`, { ca }, { method: 'POST', token: o.token, body: { apiVersion: JOIN_API_VERSION, kind: 'NodeJoin', spec: { nodeName: o.nodeName, csr, agentKey: agentKey.getPublicKey(), proxyKey: proxyKey.getPublicKey(), ...(cp ? { controlPlane: cp } : {}) } } });
  if (answer.status === 401) throw new CliError(`the control plane refused the token: ${statusMessage(answer)} (make a new one with 'wharf token create' there)`);
  if (answer.status === 403) throw new CliError(`the token may not join ${cp ? 'control-plane hosts' : 'nodes'}: ${statusMessage(answer)}`);
  if (answer.status !== 201) throw new CliError(`joining failed: ${statusMessage(answer)}`);
  const s = answer.body.status;

  const p = paths(o.dirs);
  writePublic(p.caCert, s.caCertificate);
  writePublic(p.cert('node'), s.certificate);
  writeSecret(p.key('node'), key);
  writeSecret(p.creds('agent'), new TextDecoder().decode(fmtCreds(s.agentJwt, agentKey)));
  writeSecret(p.creds('proxy'), new TextDecoder().decode(fmtCreds(s.proxyJwt, proxyKey)));
  say('kubelet-start', `wrote the node's certificate and NATS credentials to ${o.dirs.config}`);
  // The registries are read again over TLS verified with the pinned CA: the first read was not.
  // A control plane busy with a new member may answer slowly: asked a few times, and only warned about.
  let verified: JsonAnswer<ClusterInfo> = { status: 0, body: {} as ClusterInfo };
  for (let attempt = 0; attempt < 3 && verified.status !== 200; attempt++) {
    verified = await httpsJson<ClusterInfo>(`${base}${CLUSTER_INFO_PATH}`, { ca }, { timeoutMs: 15_000 }).catch((e: Error) => ({ status: 0, body: { message: e.message } as unknown as ClusterInfo }));
  }
  if (verified.status !== 200) say('registry', `WARNING: could not read the cluster's registries again (${statusMessage(verified)}): this node's Docker engine trusts none of them`);
  else trustClusterRegistries(verified.body.registries ?? [], s.caCertificate, p.registryTrust, (t) => say('registry', t));
  if (o.controlPlane && verified.status === 200) o.controlPlane.registries = verified.body.registries ?? [];

  // A control-plane host runs its own NATS server: its components list it first, then the others.
  const natsUrl = (cp ? [cp.natsUrl, ...s.natsServers.filter((u) => u !== cp.natsUrl)] : s.natsServers).join(',');
  const net = verified.status === 200 ? verified.body : info.body;
  if (o.controlPlane && cp) await setUpControlPlane(o, o.controlPlane, cp, s, say);
  startNode({ dirs: o.dirs, natsUrl, nodeName: s.nodeName, address: o.address, cluster: s.cluster, dockerSocket: o.dockerSocket, taints: o.controlPlane && !o.controlPlane.schedulable ? [CONTROL_PLANE_TAINT] : [], network: { clusterCidr: net.clusterCIDR, serviceCidr: net.serviceCIDR, clusterDns: net.clusterDNS, clusterDomain: net.clusterDomain } }, (t) => say('kubelet-start', t));
  // The node reads its own Node from the log with its agent's credentials.
  const store = await EventStore.connect({ natsUrl, cluster: s.cluster, name: `wharf join ${s.nodeName}`, auth: { credsFile: p.creds('agent'), caFile: p.caCert, certFile: p.cert('node'), keyFile: p.key('node') } });
  try {
    await waitFor(`node ${s.nodeName} to be Ready`, 90_000, async () => isReady(await readObject<Stored<Node>>(store, mustKind('Node'), undefined, s.nodeName)), p.run);
  } finally {
    await store.close();
  }
  if (o.controlPlane && cp) await afterControlPlaneJoin(o, s, say);
  return s.nodeName;
}

/** Makes this machine's Docker engine trust the registries the control plane advertised, with the cluster CA. */
function trustClusterRegistries(registries: string[], ca: string, recordFile: string, say: (text: string) => void): void {
  if (!registries.length) return;
  const t = trustRegistries(registries, ca, recordFile);
  for (const r of t.written) say(`this node's Docker engine now trusts the cluster registry ${r} (the cluster CA in /etc/docker/certs.d/${r}/ca.crt)`);
  for (const r of t.already) say(`this node's Docker engine already trusts the cluster registry ${r} with the cluster CA`);
}
