/**
 * Node credentials: what a joining node is given, and how it is taken away. A join signs the
 * node's certificate with the cluster CA and mints its agent's and proxy's NATS users; the public
 * keys are recorded in the auth bucket (key `node.<name>`). Revoking a node (deleting its Node)
 * adds those keys to the account's revocation list (key `nats.revocations`) and pushes the new
 * account JWT to the NATS servers through the system account: the node's connections are closed
 * and its credentials refused from then on.
 */
import type { KV } from '@nats-io/kv';
import { ConflictError, encodeToken, type Node, type NodeJoinRequest, type NodeJoinStatus, type Subjects } from '@wharf/model';
import { type ControlPlaneSecrets, type Logger, type NatsAuth, NatsIdentity, revokeUsers } from '@wharf/store';
import { signCsr } from '@wharf/pki';

/** What the auth bucket keeps of a joined node. */
interface NodeRecord {
  agentKey: string;
  proxyKey: string;
  joinedBy: string;
  joined: string;
}

/** Where joined nodes connect, as the control plane advertises it. */
export interface Advertised {
  natsServers: string[];
  apiServers: string[];
  /** `HOST:PORT` of the image registries the cluster CA signed (wharf-api --registry). */
  registries: string[];
}

/** Issues and revokes node credentials; only on a control plane made by `wharf init` (--pki-dir). */
export class NodeCredentials {
  readonly identity: NatsIdentity;

  constructor(
    readonly kv: KV,
    readonly secrets: ControlPlaneSecrets,
    readonly subjects: Subjects,
    readonly advertised: Advertised,
    /** How the API server itself reaches NATS (its CA and client certificate serve the system user too). */
    readonly natsUrl: string,
    readonly natsAuth: NatsAuth,
    readonly log: Logger,
  ) {
    this.identity = new NatsIdentity(secrets.seeds, subjects);
  }

  /**
   * Signs and mints a node's credentials. A node of that name that is Ready refuses the join (its
   * name is taken); one that is not Ready is replaced and its old credentials revoked.
   */
  async join(req: NodeJoinRequest['spec'], existing: Node | undefined, by: string): Promise<NodeJoinStatus> {
    const name = req.nodeName;
    const ready = existing?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (existing && ready) {
      throw new ConflictError('nodes', name, `a node of this name is already a member of the cluster and Ready: join with another --node-name, or delete it first (wharf node delete ${name})`);
    }
    const certificate = signCsr(this.secrets.ca, req.csr, { commonName: `system:node:${name}`, organization: 'system:nodes', usage: 'client', days: 825 });
    const agent = await this.identity.mintUser({ role: 'agent', node: name, publicKey: req.agentKey });
    const proxy = await this.identity.mintUser({ role: 'proxy', node: name, publicKey: req.proxyKey });
    const old = await this.#record(name);
    const record: NodeRecord = { agentKey: req.agentKey, proxyKey: req.proxyKey, joinedBy: by, joined: new Date().toISOString() };
    await this.kv.put(this.#key(name), JSON.stringify(record));
    if (old && (old.agentKey !== req.agentKey || old.proxyKey !== req.proxyKey)) await this.#revokeKeys([old.agentKey, old.proxyKey].filter((k) => k !== req.agentKey && k !== req.proxyKey));
    this.log.info({ node: name, by }, 'node joined');
    return {
      cluster: this.subjects.cluster,
      nodeName: name,
      certificate,
      caCertificate: this.secrets.ca.cert,
      agentJwt: agent.jwt,
      proxyJwt: proxy.jwt,
      natsServers: this.advertised.natsServers,
      apiServers: this.advertised.apiServers,
    };
  }

  /** Revokes a node's NATS users; false when the node never joined (nothing to revoke). */
  async revokeNode(name: string): Promise<boolean> {
    const rec = await this.#record(name);
    if (!rec) return false;
    await this.#revokeKeys([rec.agentKey, rec.proxyKey]);
    await this.kv.delete(this.#key(name));
    this.log.info({ node: name }, 'node credentials revoked');
    return true;
  }

  #key(name: string): string {
    return `node.${encodeToken(name)}`;
  }

  async #record(name: string): Promise<NodeRecord | undefined> {
    const e = await this.kv.get(this.#key(name));
    return e && e.operation === 'PUT' ? e.json<NodeRecord>() : undefined;
  }

  /** Adds keys to the revocation list and pushes the account JWT. */
  async #revokeKeys(keys: string[]): Promise<void> {
    if (keys.length) await revokeUsers(this.kv, this.identity, { natsUrl: this.natsUrl, tls: this.natsAuth, systemCredsFile: this.secrets.systemCredsFile }, keys);
  }
}
