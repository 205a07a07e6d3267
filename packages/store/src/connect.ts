/** Connecting to NATS with clear start-up errors and a server version check. */
import { readFileSync } from 'node:fs';
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
  try {
    nc = await connect({
      ...extra,
      servers: url.split(',').map((s) => s.trim()),
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
  return nc;
}
