/**
 * Makes a node's Docker engine trust the cluster registry: Docker reads
 * `/etc/docker/certs.d/HOST:PORT/ca.crt` on every pull, so no restart is needed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from './serve.js';

/** Docker's per-registry certificate folder. */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

function registryCertsDir(hostPort: string, certsDir: string): string {
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(hostPort)) throw new RegistryError(`"${hostPort}" is not a registry address (HOST:PORT)`);
  return join(certsDir, hostPort);
}

/** Writes `<certsDir>/<host:port>/ca.crt` so the Docker engine verifies that registry with the cluster CA; returns the file's path. */
export function trustRegistry(hostPort: string, caCertPem: string, certsDir = DOCKER_CERTS_DIR): string {
  const dir = registryCertsDir(hostPort, certsDir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, 'ca.crt');
  writeFileSync(file, caCertPem, { mode: 0o644 });
  return file;
}

/** Removes what `trustRegistry` wrote for `hostPort`. */
export function distrustRegistry(hostPort: string, certsDir = DOCKER_CERTS_DIR): void {
  rmSync(registryCertsDir(hostPort, certsDir), { recursive: true, force: true });
}
