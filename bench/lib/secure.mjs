// A secured nats-server for benchmarks, set up as `wharf init` sets one up: a cluster CA, TLS with
// client certificates required, the operator/account JWTs (per-component permissions), and a
// creds file plus client certificate per component. Stopped by PID at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subjects } from '@wharf/model';
import { issueCert, makeCA } from '@wharf/pki';
import { NatsIdentity, newIdentitySeeds, secureServerConfig } from '@wharf/store';
import { freePort, portOpen, stopChild, waitFor } from './servers.mjs';

/**
 * Starts a secured JetStream nats-server on a free loopback port for `cluster`. `sync` replaces
 * init's `sync_interval: always` (undefined: nats-server's default), so that it can be compared
 * with startNats({ sync }) under the same durability. Returns its URL, PID, stop(), and
 * `flags(role)`: the --nats-creds/--nats-ca/--nats-cert/--nats-key of a component with that role.
 */
export async function startSecureNats({ cluster, sync }) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-snats-'));
  const port = await freePort();
  const w = (name, text) => (writeFileSync(join(dir, name), text, { mode: 0o600 }), join(dir, name));
  const ca = makeCA(`wharf-ca-${cluster}`);
  const server = issueCert(ca, { commonName: 'wharf-nats', hosts: ['127.0.0.1', 'localhost'], usage: 'server' });
  const caFile = w('ca.crt', ca.cert);
  const identity = new NatsIdentity(newIdentitySeeds(), new Subjects(cluster));
  const config = secureServerConfig({
    serverName: 'bench-secure',
    listen: `127.0.0.1:${port}`,
    storeDir: join(dir, 'js'),
    resolverDir: join(dir, 'jwt'),
    operatorJwt: await identity.operatorJwt(),
    systemAccount: identity.systemAccountKey,
    preload: { [identity.systemAccountKey]: await identity.systemAccountJwt(), [identity.accountKey]: await identity.accountJwt() },
    tls: { certFile: w('server.crt', server.cert), keyFile: w('server.key', server.key), caFile },
  });
  const SYNC = 'sync_interval: always';
  if (!config.includes(SYNC)) throw new Error(`secureServerConfig no longer writes "${SYNC}": update bench/lib/secure.mjs`);
  const conf = w('nats.conf', config.replace(SYNC, sync ? `sync_interval: ${sync}` : ''));
  const p = spawn('nats-server', ['-c', conf], { stdio: 'ignore' });
  const stop = () => stopChild(p).then(() => rmSync(dir, { recursive: true, force: true }));
  await waitFor(() => portOpen(port)).catch((e) => stop().then(() => Promise.reject(e)));
  let n = 0;
  const flags = async (role) => {
    const { creds } = await identity.mintUser({ role });
    const cert = issueCert(ca, { commonName: `system:wharf-${role}`, organization: 'system:masters', usage: 'client' });
    n++;
    return ['--nats-creds', w(`${role}-${n}.creds`, creds), '--nats-ca', caFile, '--nats-cert', w(`${role}-${n}.crt`, cert.cert), '--nats-key', w(`${role}-${n}.key`, cert.key)];
  };
  return { url: `tls://127.0.0.1:${port}`, pid: p.pid, flags, stop };
}
