/**
 * The nats-server configuration of a secured control plane: the operator it trusts, a resolver
 * that keeps account JWTs (so revocations can be pushed), JetStream with every write synced, and
 * TLS on which every client must show a certificate of the cluster CA.
 */

/** A certificate, its key, and the cluster CA that the other side's certificate must chain to. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** What a secured nats-server needs to know. */
export interface SecureServerConfig {
  serverName: string;
  /** host:port the clients connect to. */
  listen: string;
  storeDir: string;
  /** Where the resolver keeps account JWTs. */
  resolverDir: string;
  operatorJwt: string;
  systemAccount: string;
  /** Account public key → account JWT, loaded at start. */
  preload: Record<string, string>;
  tls: TlsFiles;
  /** Where nats-server writes its pid (what `--signal reload` and SIGHUP use). */
  pidFile?: string;
  /** A member of a NATS cluster (control-plane hosts): routes over mutual TLS with the cluster CA and a route password. */
  cluster?: ClusterSettings;
}

/** The cluster block of a control-plane host's nats-server. */
export interface ClusterSettings {
  /** The cluster's name (every member's must match). */
  name: string;
  /** host:port the routes listen on. */
  listen: string;
  /** The file that lists the routes (routesFileText), relative to the config file (nats-server resolves includes there), included so that it can be rewritten and reloaded alone. */
  routesFile: string;
  /** The route user and password every route must present. */
  user: string;
  password: string;
  /** The route certificate (serverAuth and clientAuth: a route dials out too), its key, and the cluster CA. */
  tls: TlsFiles;
  /** Keep this server out of the client URLs gossiped to clients (the bootstrap seed). */
  noAdvertise?: boolean;
}

const q = (s: string): string => JSON.stringify(s);

/** A tls block that requires a certificate of the cluster CA from the other side (clients, or routes), indented by `indent`. */
function tlsBlock(t: TlsFiles, indent: string): string {
  return [`tls {`, `  cert_file: ${q(t.certFile)}`, `  key_file: ${q(t.keyFile)}`, `  ca_file: ${q(t.caFile)}`, '  verify: true', '  timeout: 3', '}'].map((l) => indent + l).join('\n');
}

/** Renders the config file (nats-server's own format; strings JSON-quoted). */
export function secureServerConfig(c: SecureServerConfig): string {
  const preload = Object.entries(c.preload)
    .map(([k, v]) => `  ${k}: ${q(v)}`)
    .join('\n');
  return `# Written by wharf init. Durability: every acknowledged event is fsynced (sync_interval: always).
server_name: ${q(c.serverName)}
listen: ${q(c.listen)}
${c.pidFile ? `pid_file: ${q(c.pidFile)}\n` : ''}max_payload: 8MB
jetstream {
  store_dir: ${q(c.storeDir)}
  sync_interval: always
}
operator: ${q(c.operatorJwt)}
system_account: ${c.systemAccount}
resolver: {
  type: full
  dir: ${q(c.resolverDir)}
  allow_delete: false
  interval: "2m"
}
resolver_preload: {
${preload}
}
${tlsBlock(c.tls, '')}
${c.cluster ? clusterBlock(c.cluster) : ''}`;
}

function clusterBlock(c: ClusterSettings): string {
  return `cluster {
  name: ${q(c.name)}
  listen: ${q(c.listen)}
${c.noAdvertise ? '  no_advertise: true\n' : ''}  authorization {
    user: ${q(c.user)}
    password: ${q(c.password)}
    timeout: 3
  }
${tlsBlock(c.tls, '  ')}
  include ${q(c.routesFile)}
}
`;
}

/**
 * The routes file of a cluster member: every route URL (`nats-route://HOST:PORT`) with the route
 * user and password. nats-server ignores the route to itself, so every member lists them all.
 */
export function routesFileText(routeUrls: readonly string[], user: string, password: string): string {
  const withAuth = routeUrls.map((u) => u.replace(/^nats-route:\/\//, `nats-route://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`));
  return `# Written by wharf (the control-plane members); nats-server reloads it on SIGHUP.\nroutes: [\n${withAuth.map((u) => `  ${q(u)}\n`).join('')}]\n`;
}
