/**
 * init's registry phase: run the cluster image registry on this machine (Debian's
 * docker-registry on ADDRESS:PORT with a certificate from the cluster CA, supervised like the
 * other daemons, data under <data-dir>/registry), or name one that already runs with a
 * certificate the cluster CA signed; then make this machine's Docker engine trust it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { KeyPair } from '@wharf/pki';
import { isRegistryAddress } from '@wharf/model';
import { CliError } from '../errors.js';
import { DOCKER_CERTS_DIR, prepareRegistry, registryAnswers, registryHostPort, trustRegistries, waitForRegistry } from '../registry/index.js';
import { type MachineDirs, paths } from './layout.js';
import { hasSystemd, runningPid, startService } from './supervise.js';

/** The registry init runs on `port` of the advertise address, or the `address` (HOST:PORT) of one that runs already. */
export type InitRegistry = { port: number } | { address: string };

/** Fails before init changes anything when the registry cannot be run or named as asked. */
export function checkRegistry(r: InitRegistry): void {
  if ('address' in r) {
    if (!isRegistryAddress(r.address)) throw new CliError(`--registry-address must be HOST:PORT (a host name or IPv4 address), got "${r.address}"`);
    return;
  }
  try {
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new CliError('docker-registry is not installed: run scripts/install-deps.sh (apt-get install docker-registry), or leave out --registry');
  }
}

/** Runs or names the registry and makes this machine's engine trust it; returns its HOST:PORT. */
export async function setUpRegistry(r: InitRegistry, dirs: MachineDirs, address: string, ca: KeyPair, say: (text: string) => void): Promise<string> {
  const p = paths(dirs);
  let hostPort: string;
  if ('address' in r) {
    hostPort = r.address;
    const [host, port] = hostPort.split(':') as [string, string];
    if (await registryAnswers(host, Number(port), ca.cert)) say(`${hostPort} answers over TLS verified with the cluster CA`);
    else say(`WARNING: ${hostPort} does not answer over TLS verified with the cluster CA (yet): nodes will fail to pull from it until it does`);
  } else {
    const o = { dir: p.registry, address, port: r.port, caCertPem: ca.cert, caKeyPem: ca.key, readyTimeoutMs: 30_000 };
    const prepared = await prepareRegistry(o);
    say(`starting docker-registry on https://${registryHostPort(address, r.port)} (data in ${join(p.registry, 'data')}): ${startService({ name: 'wharf-registry', command: prepared.command, args: prepared.args, description: 'Wharf cluster image registry' }, p.run)}`);
    const log = hasSystemd() ? 'journalctl -u wharf-registry' : join(p.run, 'logs', 'wharf-registry.log');
    await waitForRegistry(address, o, log, () => !hasSystemd() && runningPid('wharf-registry', p.run) === undefined);
    hostPort = registryHostPort(address, r.port);
    if (address.startsWith('127.')) say('WARNING: Docker treats registries on 127.0.0.0/8 as insecure (no TLS verification), and other machines cannot reach it: give --advertise-address');
  }
  const t = trustRegistries([hostPort], ca.cert, p.registryTrust);
  say(t.written.length ? `this machine's Docker engine trusts ${hostPort} (wrote ${join(DOCKER_CERTS_DIR, hostPort, 'ca.crt')})` : `this machine's Docker engine already trusts ${hostPort} with the cluster CA`);
  return hostPort;
}
