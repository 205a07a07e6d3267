/**
 * Waiting, on a control-plane host that starts again, until its own NATS server is back in the
 * JetStream cluster (current in the meta group, every stream of the cluster with a leader) before
 * wharf-api starts: wharf-api gives up on JetStream requests that time out while its server
 * catches up, and without systemd nothing would start it again.
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

/** True once the local NATS server of wharf-api's saved flags is current and every stream has a leader; false after `timeoutMs`. */
export async function waitLocalJetStream(api: Service, timeoutMs: number): Promise<boolean> {
  const url = flagOf(api.args, '--nats')?.split(',')[0];
  const pki = flagOf(api.args, '--pki-dir');
  if (!url || !pki) return true;
  const tls = { caFile: flagOf(api.args, '--nats-ca'), certFile: flagOf(api.args, '--nats-cert'), keyFile: flagOf(api.args, '--nats-key') };
  const subjects = new Subjects(flagOf(api.args, '--cluster') ?? 'default');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let nc: NatsConnection | undefined;
    let sys: NatsConnection | undefined;
    try {
      nc = await connectNats(url, 'wharf start', { ...tls, credsFile: flagOf(api.args, '--nats-creds') });
      sys = await connectNats(url, 'wharf start (system)', { ...tls, credsFile: join(pki, PKI_FILES.systemCreds) });
      const self = nc.info?.server_name;
      const meta = await metaCluster(sys);
      const inMeta = !meta || meta.leader === self || meta.peers.some((p) => p.name === self && p.current && !p.offline);
      const streams = await clusterStreams(await jetstreamManager(nc, { timeout: 5000 }), subjects);
      if (inMeta && meta?.leader !== undefined && streams.every((s) => s.leader)) return true;
      if (!meta && streams.every((s) => s.leader)) return true;
    } catch {
      // Not up yet.
    } finally {
      await Promise.allSettled([nc?.close(), sys?.close()]);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}
