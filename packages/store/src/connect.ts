/** Connecting to NATS with clear start-up errors and a server version check. */
import { connect, type NatsConnection } from '@nats-io/transport-node';

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
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url.split(',').map((s) => s.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 3000,
      inboxPrefix: undefined,
      // No Error (with its stack) made up front for every request and its timer, in case it
      // fails: that was 8% of wharf-api's CPU per create. Errors keep their types and messages.
      noAsyncTraces: true,
    });
  } catch (e) {
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
