/**
 * Makes a node's Docker engine trust the cluster registry: Docker reads
 * `/etc/docker/certs.d/HOST:PORT/ca.crt` on every pull, so no restart is needed. What init and
 * join write there is recorded in a file of the config directory, so `wharf reset` removes that
 * and nothing else (an entry that already held the same CA was not theirs).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRegistryAddress } from '@wharf/model';
import { RegistryError } from './serve.js';

/** Docker's per-registry certificate folder. */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

function registryCertsDir(hostPort: string, certsDir: string): string {
  if (!isRegistryAddress(hostPort)) throw new RegistryError(`"${hostPort}" is not a registry address (HOST:PORT)`);
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

/** The certs.d entries a machine's init or join wrote (`<config-dir>/registries.json`). */
export interface TrustRecord {
  certsDir: string;
  registries: string[];
}

/** What `trustRegistries` did: entries it wrote (and recorded), and entries that already held the CA. */
export interface Trusted {
  written: string[];
  already: string[];
}

function readRecord(recordFile: string): TrustRecord[] {
  if (!existsSync(recordFile)) return [];
  return JSON.parse(readFileSync(recordFile, 'utf8')) as TrustRecord[];
}

/** The record with `written` added under `certsDir` (pure). */
export function withTrusted(record: TrustRecord[], certsDir: string, written: string[]): TrustRecord[] {
  const others = record.filter((r) => r.certsDir !== certsDir);
  const mine = new Set([...(record.find((r) => r.certsDir === certsDir)?.registries ?? []), ...written]);
  return mine.size ? [...others, { certsDir, registries: [...mine].sort() }] : others;
}

/** Makes the engine trust each registry with `caCertPem`, recording in `recordFile` the entries it wrote. */
export function trustRegistries(hostPorts: string[], caCertPem: string, recordFile: string, certsDir = DOCKER_CERTS_DIR): Trusted {
  for (const hp of hostPorts) registryCertsDir(hp, certsDir);
  const result: Trusted = { written: [], already: [] };
  for (const hp of hostPorts) {
    const file = join(certsDir, hp, 'ca.crt');
    if (existsSync(file) && readFileSync(file, 'utf8') === caCertPem) {
      result.already.push(hp);
      continue;
    }
    trustRegistry(hp, caCertPem, certsDir);
    result.written.push(hp);
  }
  if (result.written.length) writeFileSync(recordFile, `${JSON.stringify(withTrusted(readRecord(recordFile), certsDir, result.written), null, 2)}\n`, { mode: 0o644 });
  return result;
}

/** Removes every certs.d entry recorded in `recordFile`, then the record; returns the paths removed. */
export function distrustRecorded(recordFile: string): string[] {
  const removed: string[] = [];
  for (const r of readRecord(recordFile)) {
    for (const hp of r.registries) {
      distrustRegistry(hp, r.certsDir);
      removed.push(join(r.certsDir, hp));
    }
  }
  rmSync(recordFile, { force: true });
  return removed;
}
