/**
 * The pure parts of the cluster registry: its configuration (Debian's `docker-registry`,
 * distribution 2.8, serving HTTPS with a certificate from the cluster CA and storing layers on
 * the local disk), how its address is spelled, and what its log says when it fails.
 */
import { isIP } from 'node:net';
import { stringify } from 'yaml';

/** What the registry's config file says. */
export interface RegistryConfigInput {
  /** Where the registry keeps layers and manifests. */
  dataDir: string;
  /** The `host:port` it listens on (`[::1]:5000` for IPv6). */
  listen: string;
  certFile: string;
  keyFile: string;
}

/** The registry's `config.yml` (distribution's version 0.1 format): TLS, filesystem storage, deletes allowed, no auth. */
export function registryConfig(c: RegistryConfigInput): string {
  return stringify({
    version: 0.1,
    log: { level: 'info', fields: { service: 'wharf-registry' } },
    storage: { filesystem: { rootdirectory: c.dataDir }, delete: { enabled: true }, cache: { blobdescriptor: 'inmemory' } },
    http: { addr: c.listen, tls: { certificate: c.certFile, key: c.keyFile }, headers: { 'X-Content-Type-Options': ['nosniff'] } },
  });
}

/** `host:port` as Docker and URLs spell it: IPv6 addresses go in brackets. */
export function registryHostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The last fatal or error message in the registry's (logrus) log, or its last line; '' for an empty log. */
export function registryComplaint(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => /level=(fatal|panic|error)/.test(l)).at(-1) ?? lines.at(-1) ?? '';
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(bad);
  return msg ? msg[1]!.replace(/\\"/g, '"') : bad;
}
