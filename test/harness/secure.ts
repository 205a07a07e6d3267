/**
 * A secured nats-server for tests, set up as `wharf init` sets one up: a cluster CA, TLS with
 * client certificates required, the operator/account JWTs, and a creds file per component.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCert, type KeyPair as KeyPairPem, makeCA } from '@wharf/pki';
import { type NatsAuth, pushAccount, NatsIdentity, newIdentitySeeds, type NatsRole, secureServerConfig } from '@wharf/store';
import { Subjects } from '@wharf/model';
import { launch, stopAll, type NatsHandle } from './nats.js';
import { freePort } from './ports.js';

/** A secured server, and the means to hand out credentials for it. */
export interface SecureNats extends NatsHandle {
  ca: KeyPairPem;
  identity: NatsIdentity;
  caFile: string;
  /** Writes a creds file and a client certificate for the role (and node); returns the auth to connect with. */
  credentials(role: NatsRole, node?: string): Promise<NatsAuth>;
  /** A client certificate of the CA but no creds (a machine that has TLS and nothing else). */
  certOnly(): NatsAuth;
  /** Flags for a daemon: --nats-creds etc. */
  flags(auth: NatsAuth): string[];
  /** Pushes a new account JWT with these user keys revoked (now). */
  revoke(publicKeys: string[]): Promise<void>;
}

/** Starts a secured JetStream nats-server on a free loopback port for cluster `cluster`. */
export async function startSecureNats(cluster: string): Promise<SecureNats> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-snats-'));
  const port = await freePort();
  const monitor = await freePort();
  const ca = makeCA(`wharf-ca-${cluster}`);
  const server = issueCert(ca, { commonName: 'wharf-nats', hosts: ['127.0.0.1', 'localhost'], usage: 'server' });
  const w = (name: string, text: string, mode = 0o600) => {
    writeFileSync(join(dir, name), text, { mode });
    return join(dir, name);
  };
  const caFile = w('ca.crt', ca.cert, 0o644);
  const identity = new NatsIdentity(newIdentitySeeds(), new Subjects(cluster));
  const config = secureServerConfig({
    serverName: 'secure-1',
    listen: `127.0.0.1:${port}`,
    storeDir: join(dir, 'js'),
    resolverDir: join(dir, 'jwt'),
    operatorJwt: await identity.operatorJwt(),
    systemAccount: identity.systemAccountKey,
    preload: { [identity.systemAccountKey]: await identity.systemAccountJwt(), [identity.accountKey]: await identity.accountJwt() },
    tls: { certFile: w('server.crt', server.cert), keyFile: w('server.key', server.key), caFile },
  });
  const configFile = w('nats.conf', config + `http: 127.0.0.1:${monitor}\n`);
  const s = await launch(configFile, port, monitor, 'secure');
  const url = `tls://127.0.0.1:${port}`;
  let n = 0;
  const clientCert = () => {
    const c = issueCert(ca, { commonName: `test-client-${++n}`, usage: 'client' });
    return { certFile: w(`client-${n}.crt`, c.cert), keyFile: w(`client-${n}.key`, c.key) };
  };
  const revoked: Record<string, number> = {};
  return {
    url,
    servers: [{ ...s, url }],
    dir,
    ca,
    identity,
    caFile,
    async credentials(role, node) {
      const { creds } = await identity.mintUser({ role, ...(node ? { node } : {}) });
      return { credsFile: w(`${role}-${node ?? 'x'}-${++n}.creds`, creds!), caFile, ...clientCert() };
    },
    certOnly: () => ({ caFile, ...clientCert() }),
    flags: (a) => [
      ...(a.credsFile ? ['--nats-creds', a.credsFile] : []),
      ...(a.caFile ? ['--nats-ca', a.caFile] : []),
      ...(a.certFile ? ['--nats-cert', a.certFile, '--nats-key', a.keyFile!] : []),
    ],
    async revoke(keys) {
      const now = Math.floor(Date.now() / 1000) + 1;
      for (const k of keys) revoked[k] = now;
      await pushAccount(identity, { natsUrl: url, tls: { caFile, ...clientCert() }, systemCredsFile: w('sys.creds', await identity.systemUserCreds()) }, revoked);
    },
    async stop() {
      await stopAll([s]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
