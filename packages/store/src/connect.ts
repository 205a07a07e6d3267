/** Connecting to NATS with clear start-up errors and a server version check. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { credsInboxPrefix } from './natsauth/identity.js';

/**
 * How a component proves who it is to NATS: a creds file (a user JWT and its nkey seed) and TLS
 * (the cluster CA to check the server, and this component's client certificate). Absent: an
 * open development server on loopback.
 */
export interface NatsAuth {
  credsFile?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /**
   * Where this component keeps the NATS servers it learned from the cluster (not a secret): read
   * at start with the given URLs, rewritten whenever the cluster announces a server added or
   * gone. A node that joined while one control-plane host served still finds the others after a
   * restart with that host down (k3s' agent keeps its servers the same way).
   */
  serversFile?: string | undefined;
}

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new NatsUnavailableError(`cannot read the NATS ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The connect options that carry `auth`: the authenticator, the inbox its permissions allow, and TLS. */
function authOptions(auth: NatsAuth | undefined): Record<string, unknown> {
  if (!auth) return {};
  const o: Record<string, unknown> = {};
  if (auth.credsFile) {
    const creds = readSecret(auth.credsFile, 'credentials');
    o.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
    const inbox = credsInboxPrefix(creds);
    if (inbox) o.inboxPrefix = inbox;
  }
  if (auth.caFile || auth.certFile) {
    if (Boolean(auth.certFile) !== Boolean(auth.keyFile)) throw new NatsUnavailableError('give both --nats-cert and --nats-key, or neither');
    o.tls = {
      ...(auth.caFile ? { ca: readSecret(auth.caFile, 'CA certificate') } : {}),
      ...(auth.certFile ? { cert: readSecret(auth.certFile, 'client certificate'), key: readSecret(auth.keyFile!, 'client key') } : {}),
    };
  }
  return o;
}

/** The oldest nats-server Wharf runs on (2.9 lets racing writers through one expected sequence). */
export const MIN_NATS_VERSION = '2.10.0';

/** Raised when NATS cannot be used; the message says what to do. */
export class NatsUnavailableError extends Error {
  override name = 'NatsUnavailableError';
}

/** Compares dotted versions; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * Connects to NATS (comma-separated URLs for a cluster), checks that JetStream-capable
 * nats-server >= 2.10 answers, and keeps reconnecting forever after that.
 */
export async function connectNats(url: string, name: string, auth?: NatsAuth): Promise<NatsConnection> {
  let nc: NatsConnection;
  const extra = authOptions(auth);
  const given = url.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    nc = await connect({
      ...extra,
      servers: auth?.serversFile ? mergeServers(given, readServers(auth.serversFile)) : given,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 3000,
      // No Error (with its stack) made up front for every request and its timer, in case it
      // fails: that was 8% of wharf-api's CPU per create. Errors keep their types and messages.
      noAsyncTraces: true,
    });
  } catch (e) {
    const m = (e as Error).message;
    if (/authoriz|authenticat|permission/i.test(m)) throw new NatsUnavailableError(`NATS at ${url} refused this component's credentials (${m}): check --nats-creds, or the node was removed from the cluster (join it again)`);
    if (/certificate|tls|ssl|self.signed|handshake/i.test(m)) throw new NatsUnavailableError(`TLS to NATS at ${url} failed (${m}): check --nats-ca, --nats-cert and --nats-key`);
    throw new NatsUnavailableError(
      `NATS is not reachable at ${url} (${(e as Error).message}): start nats-server with JetStream, e.g. 'nats-server -js -a 127.0.0.1 -p 4222 -sd /var/lib/wharf/nats', or run deploy/local-cluster.sh`,
    );
  }
  const version = nc.info?.version ?? '0.0.0';
  if (compareVersions(version, MIN_NATS_VERSION) < 0) {
    await nc.close();
    throw new NatsUnavailableError(
      `nats-server ${version} at ${url} is too old: Wharf needs ${MIN_NATS_VERSION} or newer (Debian 13's nats-server package; scripts/install-deps.sh installs it)`,
    );
  }
  if (nc.info && nc.info.jetstream === false) {
    await nc.close();
    throw new NatsUnavailableError(`nats-server at ${url} runs without JetStream: start it with -js`);
  }
  if (auth?.serversFile) rememberServers(nc, auth.serversFile);
  return nc;
}

/** host:port of a server URL or of a connect_urls entry, to compare them. */
export function serverKey(u: string): string {
  const m = /^(?:[a-z-]+:\/\/)?(?:[^@/]*@)?([^/]+?)\/?$/i.exec(u.trim());
  return (m?.[1] ?? u.trim()).toLowerCase();
}

/** The given URLs first (as given), then every other learned server, each once. */
export function mergeServers(given: string[], learned: string[]): string[] {
  const seen = new Set(given.map(serverKey));
  const out = [...given];
  for (const s of learned) {
    const k = serverKey(s);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}

/** The servers a file keeps (a JSON list of host:port); none when it is absent or unreadable. */
export function readServers(file: string): string[] {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { servers?: unknown };
    return Array.isArray(v.servers) ? v.servers.filter((x): x is string => typeof x === 'string' && x.length < 300).slice(0, 64) : [];
  } catch {
    return [];
  }
}

function writeServers(file: string, servers: string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ servers }) + '\n', { mode: 0o644 });
    renameSync(tmp, file);
  } catch {
    // Best effort: the component still runs on the servers it was given.
  }
}

/** Keeps `file` listing the cluster's servers as this connection hears of them (INFO connect_urls, at connect and on every change). */
function rememberServers(nc: NatsConnection, file: string): void {
  const save = () => {
    const urls = nc.info?.connect_urls ?? [];
    if (urls.length) writeServers(file, mergeServers([], urls));
  };
  save();
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'update') save();
  })().catch(() => undefined);
}
