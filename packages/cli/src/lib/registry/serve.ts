/**
 * Runs the cluster registry: Debian's `docker-registry` serving HTTPS with a certificate from
 * the cluster CA. It runs detached (it outlives `wharf init`), logs to `DIR/registry.log` and
 * leaves its PID in `DIR/registry.pid`; it is ready once `https://ADDRESS:PORT/v2/` answers
 * over TLS verified against the CA.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type KeyPair, OpensslError, signServingCert } from '@wharf/pki';
import { CliError } from '../errors.js';
import { registryComplaint, registryConfig, registryHostPort } from './config.js';

/** The registry could not be set up or started; the message is one line for the user. */
export class RegistryError extends CliError {
  override name = 'RegistryError';
}

/** Signs the registry's serving certificate for `hosts` (its addresses and names) with the cluster CA. */
export function registryCertificate(caCertPem: string, caKeyPem: string, hosts: string[]): KeyPair {
  try {
    return signServingCert({ cert: caCertPem, key: caKeyPem }, hosts, 'wharf-registry');
  } catch (e) {
    if (e instanceof OpensslError || e instanceof RangeError) throw new RegistryError(`cannot make the registry certificate: ${e.message}`);
    throw e;
  }
}

/** Where and how to run the registry. */
export interface RegistryOptions {
  /** Its folder: certificate, key, config.yml, data/, registry.log, registry.pid. */
  dir: string;
  /** The address it listens on and is dialed at (a wildcard is probed on loopback). */
  address: string;
  port: number;
  caCertPem: string;
  caKeyPem: string;
  /** More names clients dial it by; the certificate carries them and `address`. */
  hosts?: string[];
  /** The registry program; `docker-registry` on PATH by default. */
  bin?: string;
  /** How long to wait for it to answer; 20 s by default. */
  readyTimeoutMs?: number;
}

/** A registry that answers; `stop()` ends it (SIGTERM, then SIGKILL) and removes its pidfile. */
export interface RunningRegistry {
  pid: number;
  /** `https://ADDRESS:PORT`. */
  url: string;
  stop(): Promise<void>;
}

/** The registry's files, written: how to run it, and the address to probe it on. */
export interface PreparedRegistry {
  /** The program and its arguments (`serve DIR/config.yml`). */
  command: string;
  args: string[];
  /** Where it answers (a wildcard address becomes loopback). */
  probe: string;
  logFile: string;
}

/** Writes the registry's certificate, key and config.yml into `o.dir` and checks its port is free. */
export async function prepareRegistry(o: RegistryOptions): Promise<PreparedRegistry> {
  const probe = o.address === '0.0.0.0' ? '127.0.0.1' : o.address === '::' ? '::1' : o.address;
  const pair = registryCertificate(o.caCertPem, o.caKeyPem, [probe, ...(o.hosts ?? [])]);
  mkdirSync(join(o.dir, 'data'), { recursive: true, mode: 0o700 });
  const file = (name: string) => join(o.dir, name);
  writeFileSync(file('registry.crt'), pair.cert);
  writeFileSync(file('registry.key'), pair.key, { mode: 0o600 });
  chmodSync(file('registry.key'), 0o600);
  writeFileSync(file('ca.crt'), o.caCertPem);
  writeFileSync(file('config.yml'), registryConfig({ dataDir: file('data'), listen: registryHostPort(o.address, o.port), certFile: file('registry.crt'), keyFile: file('registry.key') }));
  await ensurePortFree(o.address, o.port);
  return { command: o.bin ?? 'docker-registry', args: ['serve', file('config.yml')], probe, logFile: file('registry.log') };
}

/** Writes the registry's files, starts it detached and resolves once `/v2/` answers over verified TLS. */
export async function startRegistry(o: RegistryOptions): Promise<RunningRegistry> {
  const prepared = await prepareRegistry(o);
  const { command: bin, probe } = prepared;
  const file = (name: string) => join(o.dir, name);
  const log = openSync(prepared.logFile, 'a');
  const child = spawn(bin, prepared.args, { cwd: o.dir, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new RegistryError(`${bin} is not installed (apt-get install docker-registry)`) : new RegistryError(`cannot start ${bin}: ${e.message}`)));
  });
  child.unref();
  const pid = child.pid!;
  writeFileSync(file('registry.pid'), `${pid}\n`);
  const stop = () => stopPid(pid, file('registry.pid'));
  try {
    await waitForRegistry(probe, o, prepared.logFile, () => child.exitCode !== null || child.signalCode !== null);
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid, url: `https://${registryHostPort(probe, o.port)}`, stop };
}

/**
 * Resolves once the registry answers on `host`; rejects with its log's complaint once `exited()`
 * says it died, or after `o.readyTimeoutMs` (20 s by default).
 */
export async function waitForRegistry(host: string, o: Pick<RegistryOptions, 'address' | 'port' | 'caCertPem' | 'readyTimeoutMs'>, logFile: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + (o.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exited()) {
      const said = existsSync(logFile) ? registryComplaint(readFileSync(logFile, 'utf8')) : '';
      if (/address already in use/.test(said)) throw portTaken(o.address, o.port);
      throw new RegistryError(`docker-registry exited: ${said || 'no message'} (log: ${logFile})`);
    }
    if (await registryAnswers(host, o.port, o.caCertPem)) return;
    if (Date.now() > deadline) throw new RegistryError(`docker-registry did not answer on https://${registryHostPort(host, o.port)}/v2/ (log: ${logFile})`);
    await sleep(100);
  }
}

function portTaken(address: string, port: number): RegistryError {
  return new RegistryError(`port ${port} on ${address} is taken; is a registry already running? choose another port`);
}

async function ensurePortFree(address: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(portTaken(address, port));
      else if (e.code === 'EADDRNOTAVAIL') reject(new RegistryError(`address ${address} is not on this machine`));
      else reject(new RegistryError(`cannot listen on ${registryHostPort(address, port)}: ${e.message}`));
    });
    s.listen({ host: address, port, exclusive: true }, () => s.close(() => resolve()));
  });
}

/** True when GET https://HOST:PORT/v2/ answers 200 or 401 over TLS verified against `ca`. */
export function registryAnswers(host: string, port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/v2/', method: 'GET', ca, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, pidfile: string): Promise<void> {
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (existsSync(pidfile)) rmSync(pidfile, { force: true });
}
