/**
 * Waiting, on a control-plane host that starts again, until its own NATS server is back in the
 * JetStream cluster (every stream of the cluster with a leader, the server current in the meta
 * group) before wharf-api starts: wharf-api gives up on JetStream requests that time out while
 * its server catches up.
 */
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects } from '@wharf/model';
import { clusterStreams, connectNats, metaCluster, PKI_FILES } from '@wharf/store';
import type { Service } from './supervise.js';

function flagOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** What the local NATS server says: JetStream answers and every stream has a leader (`ready`); this server is current in the meta group (`metaCurrent`). */
export interface LocalJetStream {
  ready: boolean;
  metaCurrent: boolean;
}

/**
 * Waits until JetStream answers through the local NATS server of wharf-api's saved flags and every
 * stream has a leader, and (up to `timeoutMs`) until the server is current in the meta group.
 */
export async function waitLocalJetStream(api: Service, timeoutMs: number): Promise<LocalJetStream> {
  const url = flagOf(api.args, '--nats')?.split(',')[0];
  const pki = flagOf(api.args, '--pki-dir');
  if (!url || !pki) return { ready: true, metaCurrent: true };
  const tls = { caFile: flagOf(api.args, '--nats-ca'), certFile: flagOf(api.args, '--nats-cert'), keyFile: flagOf(api.args, '--nats-key') };
  const subjects = new Subjects(flagOf(api.args, '--cluster') ?? 'default');
  const clustered = api.args.includes('--nats-routes-file');
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (Date.now() < deadline) {
    let nc: NatsConnection | undefined;
    let sys: NatsConnection | undefined;
    try {
      nc = await connectNats(url, 'wharf start', { ...tls, credsFile: flagOf(api.args, '--nats-creds') });
      sys = await connectNats(url, 'wharf start (system)', { ...tls, credsFile: join(pki, PKI_FILES.systemCreds) });
      const self = nc.info?.server_name;
      const meta = await metaCluster(sys);
      const inMeta = !clustered || (meta !== undefined && (meta.leader === self || meta.peers.some((p) => p.name === self && p.current && !p.offline)));
      const streams = await clusterStreams(await jetstreamManager(nc, { timeout: 5000 }), subjects);
      // A server outside a cluster (wharf-api without a routes file) has no meta group, and its streams name no leader.
      ready = clustered ? Boolean(meta) && streams.every((s) => s.leader) : true;
      if (ready && inMeta) return { ready, metaCurrent: true };
    } catch {
      // Not up yet.
    } finally {
      await Promise.allSettled([nc?.close(), sys?.close()]);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { ready, metaCurrent: false };
}
