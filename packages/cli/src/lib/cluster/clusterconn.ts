/**
 * Connections of a control-plane host's own tools (join --control-plane, cluster replicas,
 * cluster status): as wharf-api (its NATS user and client certificate) for JetStream and the
 * auth bucket, and as the system user for the JetStream meta group. They read where NATS is from
 * the flags init or join saved for wharf-api.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONTROL_PLANE_MEMBERS_KEY, type ControlPlaneMembers, Subjects } from '@wharf/model';
import { connectNats, PKI_FILES } from '@wharf/store';
import { CliError } from '../errors.js';
import { paths } from './layout.js';
import { savedServices } from './supervise.js';

/** What a control-plane host's tool holds open. */
export interface ControlPlaneConn {
  subjects: Subjects;
  natsUrl: string;
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** The system account's connection (the meta group, peer removal). */
  sys: NatsConnection;
  auth: KV;
  close(): Promise<void>;
}

function flagOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Where this host's wharf-api connects and its cluster, from the saved flags; CliError when this host runs no control plane. */
export function savedControlPlane(p: ReturnType<typeof paths>): { natsUrl: string; cluster: string } {
  const api = savedServices(p.run, ['wharf-api'])[0];
  const natsUrl = api ? flagOf(api.args, '--nats') : undefined;
  if (!natsUrl || !existsSync(join(p.pki, PKI_FILES.systemCreds))) throw new CliError(`this machine runs no control plane (${join(p.run, 'wharf-api.json')} or ${p.pki} is missing): run this on a control-plane host, as root, with the --config-dir and --data-dir of init or join`);
  return { natsUrl, cluster: flagOf(api!.args, '--cluster') ?? 'default' };
}

/** Connects as wharf-api and as the system user of this host. */
export async function connectControlPlane(p: ReturnType<typeof paths>, natsUrl: string, cluster: string, name: string): Promise<ControlPlaneConn> {
  const tls = { caFile: p.caCert, certFile: p.cert('api'), keyFile: p.key('api') };
  const nc = await connectNats(natsUrl, name, { ...tls, credsFile: p.creds('api') });
  let sys: NatsConnection | undefined;
  try {
    sys = await connectNats(natsUrl, `${name} (system)`, { ...tls, credsFile: join(p.pki, PKI_FILES.systemCreds) });
    const subjects = new Subjects(cluster);
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const auth = await new Kvm(nc).open(subjects.authBucket);
    const s = sys;
    return { subjects, natsUrl, nc, jsm, sys: s, auth, close: async () => void (await Promise.allSettled([nc.close(), s.close()])) };
  } catch (e) {
    await Promise.allSettled([nc.close(), sys?.close()]);
    throw e;
  }
}

/** The members list, or undefined on a cluster made for one control plane. */
export async function readMembers(auth: KV): Promise<{ members: ControlPlaneMembers; revision: number } | undefined> {
  const e = await auth.get(CONTROL_PLANE_MEMBERS_KEY);
  return e?.operation === 'PUT' ? { members: e.json<ControlPlaneMembers>(), revision: e.revision } : undefined;
}

/** Reads a saved file of the pki directory as JSON. */
export function readPkiJson<T>(p: ReturnType<typeof paths>, file: string): T {
  return JSON.parse(readFileSync(join(p.pki, file), 'utf8')) as T;
}
