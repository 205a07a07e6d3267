/**
 * Where `wharf init` and `wharf join` keep a machine's files. The config directory (default
 * /etc/wharf) holds credentials, root-only; `pki/` in it exists only on the control plane and
 * holds the cluster's secrets (see @wharf/store's PKI_FILES). The data directory (default
 * /var/lib/wharf) holds NATS' store, the agent's state, and, without systemd, logs and pid files.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The two roots of a machine's files. */
export interface MachineDirs {
  config: string;
  data: string;
}

/** The paths of one machine. */
export function paths(d: MachineDirs) {
  return {
    pki: join(d.config, 'pki'),
    caCert: join(d.config, 'ca.crt'),
    natsConf: join(d.config, 'nats', 'nats.conf'),
    natsCert: join(d.config, 'nats', 'server.crt'),
    natsKey: join(d.config, 'nats', 'server.key'),
    /** The routes file nats.conf includes (a control-plane host of a cluster made with --control-plane-endpoint). */
    natsRoutes: join(d.config, 'nats', 'routes.conf'),
    /** The bootstrap seed server's config (the first control-plane host, until the third joins). */
    natsSeedConf: join(d.config, 'nats', 'seed.conf'),
    natsPid: join(d.data, 'nats', 'nats-server.pid'),
    natsSeedStore: join(d.data, 'nats-seed'),
    creds: (who: string) => join(d.config, `${who}.creds`),
    cert: (who: string) => join(d.config, `${who}.crt`),
    key: (who: string) => join(d.config, `${who}.key`),
    natsStore: join(d.data, 'nats'),
    natsResolver: join(d.data, 'nats', 'jwt'),
    agentState: join(d.data, 'agent'),
    run: join(d.data, 'run'),
    /** The NATS servers a node component learned from the cluster (--nats-servers-file). */
    natsServers: (who: string) => join(d.data, 'run', `${who}.nats-servers.json`),
    /** The cluster registry's certificate, config and data (init --registry). */
    registry: join(d.data, 'registry'),
    /** The Docker certs.d entries this machine's init or join wrote (reset removes them). */
    registryTrust: join(d.config, 'registries.json'),
  };
}

/** Writes a file only root (the owner) can read, making its directory (0700) if needed. */
export function writeSecret(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Writes a file anyone may read (certificates, configs without secrets). */
export function writePublic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, text, { mode: 0o644 });
}

/**
 * The NATS flags of a component with creds `who` and the machine's TLS client certificate `cert`.
 * A node component (`learn`: the agent, the proxy) also keeps the servers the cluster announces,
 * so it finds control-plane hosts that joined after its node did; the API server and the
 * reconcilers stay on their host's own NATS server.
 */
export function natsFlags(p: ReturnType<typeof paths>, url: string, who: string, cert: string, learn = false): string[] {
  return ['--nats', url, '--nats-creds', p.creds(who), '--nats-ca', p.caCert, '--nats-cert', p.cert(cert), '--nats-key', p.key(cert), ...(learn ? ['--nats-servers-file', p.natsServers(who)] : [])];
}
