/**
 * The nats-server configuration of a secured control plane: the operator it trusts, a resolver
 * that keeps account JWTs (so revocations can be pushed), JetStream with every write synced, and
 * TLS on which every client must show a certificate of the cluster CA.
 */

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
  tls: { certFile: string; keyFile: string; caFile: string };
}

const q = (s: string): string => JSON.stringify(s);

/** Renders the config file (nats-server's own format; strings JSON-quoted). */
export function secureServerConfig(c: SecureServerConfig): string {
  const preload = Object.entries(c.preload)
    .map(([k, v]) => `  ${k}: ${q(v)}`)
    .join('\n');
  return `# Written by wharf init. Durability: every acknowledged event is fsynced (sync_interval: always).
server_name: ${q(c.serverName)}
listen: ${q(c.listen)}
max_payload: 8MB
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
tls {
  cert_file: ${q(c.tls.certFile)}
  key_file: ${q(c.tls.keyFile)}
  ca_file: ${q(c.tls.caFile)}
  verify: true
  timeout: 3
}
`;
}
