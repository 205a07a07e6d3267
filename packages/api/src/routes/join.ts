/**
 * Joining nodes: `GET /cluster-info` (public, like kubeadm's cluster-info ConfigMap: the CA a
 * joining node checks against its pin, where to connect, and the cluster's networks: cluster CIDR,
 * service CIDR, cluster DNS address and domain), and `POST` on the join path with a
 * bootstrap token (RBAC: create `nodejoins` in `bootstrap.wharf.io`, which the
 * system:bootstrappers group may do and nothing else). Only a control plane made by `wharf init`
 * (wharf-api --pki-dir) can sign node credentials; any other answers 404 saying so.
 */
import type { FastifyInstance } from 'fastify';
import { CLUSTER_INFO_PATH, type ClusterInfo, CONTROL_PLANE_JOINERS_GROUP, ForbiddenError, InvalidError, JOIN_API_VERSION, JOIN_PATH, NodeJoinRequest, NotFoundError, parseBody } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { actorOf } from './auth.js';
import { sealedForToken } from '../controlplane/bundles.js';
import { withMember } from '@wharf/model';

function credentials(ctx: ApiContext) {
  if (!ctx.nodeCredentials) throw new NotFoundError('nodejoins', 'this cluster signs no node credentials: it was not made with `wharf init` (wharf-api --pki-dir)', 'bootstrap.wharf.io');
  return ctx.nodeCredentials;
}

/** Registers /cluster-info and the join path. */
export async function joinRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(CLUSTER_INFO_PATH, { config: { public: true } }, async (): Promise<ClusterInfo> => {
    const c = credentials(ctx);
    const endpoint = ctx.controlPlane?.members.current?.endpoint;
    const n = ctx.networks;
    const networks = n ? { clusterCIDR: await n.clusterCIDR(), serviceCIDR: n.serviceCIDR, clusterDNS: n.clusterDNS, clusterDomain: n.clusterDomain } : {};
    return { apiVersion: JOIN_API_VERSION, kind: 'ClusterInfo', cluster: c.subjects.cluster, caCertificate: c.secrets.ca.cert, apiServers: c.advertised.apiServers, natsServers: c.advertised.natsServers, registries: c.advertised.registries, ...networks, ...(endpoint ? { controlPlaneEndpoint: endpoint } : {}) };
  });

  app.post(JOIN_PATH, async (req, reply) => {
    const c = credentials(ctx);
    const { spec } = parseBody(NodeJoinRequest, 'NodeJoin', req.body);
    if (!/^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/.test(spec.csr)) {
      throw new InvalidError('NodeJoin', spec.nodeName, [{ reason: 'FieldValueInvalid', field: 'spec.csr', message: 'Invalid value: must be a PEM certificate request' }]);
    }
    // A control-plane join: only a control-plane token, and only on a cluster made for more control planes.
    const cp = spec.controlPlane;
    let sealed;
    if (cp) {
      if (!req.user?.groups.includes(CONTROL_PLANE_JOINERS_GROUP)) throw new ForbiddenError(`${actorOf(req)} may join worker nodes only: a control-plane host needs a token from 'wharf token create --control-plane'`);
      if (!ctx.controlPlane) throw new ForbiddenError("this cluster takes no more control-plane hosts: it was made without 'wharf init --control-plane-endpoint'");
      const found = await sealedForToken(ctx.tokens.kv, actorOf(req).replace(/^system:bootstrap:/, ''), cp.keyVerifier);
      if (found === 'missing') throw new ForbiddenError('the control plane keeps no secrets for this token (it was deleted, or made by another cluster)');
      if (found === 'wrong-key') throw new ForbiddenError('the certificate key does not open the secrets of this token: give the key printed with it');
      sealed = found;
    }
    let status;
    try {
      status = await c.join(spec, ctx.projection.get('Node', undefined, spec.nodeName), actorOf(req));
    } catch (e) {
      if ((e as Error).name === 'OpensslError' || e instanceof RangeError) throw new InvalidError('NodeJoin', spec.nodeName, [{ reason: 'FieldValueInvalid', field: 'spec.csr', message: `Invalid value: ${(e as Error).message}` }]);
      throw e;
    }
    if (cp && sealed) {
      const members = await ctx.controlPlane!.members.update((m) => withMember(m ?? { members: [] }, { name: spec.nodeName, natsUrl: cp.natsUrl, routeUrl: cp.routeUrl, apiUrl: cp.apiUrl }));
      status = { ...status, natsServers: c.advertised.natsServers, apiServers: c.advertised.apiServers, controlPlane: { bundle: sealed, members } };
      req.log.info({ node: spec.nodeName, by: actorOf(req) }, 'control-plane host joined');
    }
    return reply.code(201).send({ apiVersion: JOIN_API_VERSION, kind: 'NodeJoin', spec: { nodeName: spec.nodeName }, status });
  });
}
