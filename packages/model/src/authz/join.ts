/**
 * The shapes of joining a node (kubeadm join's TLS bootstrap, in one request): the node sends its
 * name and the public halves of its credentials (a certificate request, and the nkeys of its
 * agent's and proxy's NATS users), authenticated by a bootstrap token; the control plane answers
 * with the signed certificate, the NATS user JWTs and where to connect. Private keys never leave
 * the node.
 */
import { z } from 'zod';
import { DnsSubdomain } from '../schemas/meta.js';
import type { ControlPlaneMembers, SealedBundle } from './controlplane.js';

/** The API group and version of the join endpoint. */
export const JOIN_API_VERSION = 'bootstrap.wharf.io/v1';

/** The path a node joins through (RBAC: verb create on `nodejoins` of `bootstrap.wharf.io`). */
export const JOIN_PATH = '/apis/bootstrap.wharf.io/v1/nodejoins';

/** The unauthenticated path that tells a joining node the cluster's CA (checked against its pin) and addresses. */
export const CLUSTER_INFO_PATH = '/cluster-info';

const UserKey = z.string().regex(/^U[A-Z2-7]{55}$/, 'must be a NATS user public nkey (U followed by 55 base32 characters)');

/** The body of a join. */
export const NodeJoinRequest = z.strictObject({
  apiVersion: z.literal(JOIN_API_VERSION).optional(),
  kind: z.literal('NodeJoin').optional(),
  spec: z.strictObject({
    nodeName: DnsSubdomain.refine((n) => n.length <= 63, 'must be no more than 63 characters'),
    /** PEM certificate request; only its key is used (the name comes from nodeName). */
    csr: z.string().min(1).max(8192),
    agentKey: UserKey,
    proxyKey: UserKey,
    /** Present when the node joins as a control-plane host (a control-plane token only): where its servers will listen. */
    controlPlane: z
      .strictObject({
        natsUrl: z.string().regex(/^tls:\/\/[^\s/]+:\d{1,5}$/, 'must be tls://ADDRESS:PORT'),
        routeUrl: z.string().regex(/^nats-route:\/\/[^\s/@]+:\d{1,5}$/, 'must be nats-route://ADDRESS:PORT'),
        apiUrl: z.string().regex(/^https:\/\/[^\s/]+:\d{1,5}$/, 'must be https://ADDRESS:PORT'),
        /** certificateKeyVerifier of the joiner's certificate key: a wrong key is refused before anything is recorded. */
        keyVerifier: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
      })
      .optional(),
  }),
});
/** The body of a join. */
export type NodeJoinRequest = z.infer<typeof NodeJoinRequest>;

/** What a joined node gets back. */
export interface NodeJoinStatus {
  cluster: string;
  nodeName: string;
  /** PEM: the node's certificate (CN=system:node:<name>, O=system:nodes), and the cluster CA. */
  certificate: string;
  caCertificate: string;
  /** The NATS user JWTs of the node's agent and proxy (the node holds their seeds). */
  agentJwt: string;
  proxyJwt: string;
  /** Where the node's components connect. */
  natsServers: string[];
  apiServers: string[];
  /** A control-plane join's share: the sealed secrets (opened with the certificate key) and the members, this host included. */
  controlPlane?: { bundle: SealedBundle; members: ControlPlaneMembers };
}

/** The public cluster information a joining node checks before it trusts anything. */
export interface ClusterInfo {
  apiVersion: typeof JOIN_API_VERSION;
  kind: 'ClusterInfo';
  cluster: string;
  caCertificate: string;
  apiServers: string[];
  natsServers: string[];
  /** `HOST:PORT` of the image registries whose certificates the cluster CA signed; a joining node's Docker engine trusts them. Absent from older control planes. */
  registries?: string[];
  /** The pod network (the cluster CIDR the nodes' pod CIDRs come from), e.g. 10.244.0.0/16. Absent from older control planes, as are the three below. */
  clusterCIDR?: string;
  /** The range Services' cluster IPs come from, e.g. 10.96.0.0/16. */
  serviceCIDR?: string;
  /** The cluster DNS address (the 10th of the service range), e.g. 10.96.0.10. */
  clusterDNS?: string;
  /** The cluster's DNS domain, e.g. cluster.local. */
  clusterDomain?: string;
  /** The address `wharf init --control-plane-endpoint` recorded (HOST:PORT); absent: the cluster takes no more control-plane hosts. */
  controlPlaneEndpoint?: string;
}

/** True for an image registry's name in ClusterInfo and in Docker's certs.d: a host name or IPv4 address, a colon and a port (1-65535). */
export function isRegistryAddress(s: string): boolean {
  const m = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:(\d{1,5})$/.exec(s);
  return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 65535;
}
