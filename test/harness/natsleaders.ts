/**
 * Reading a test NATS cluster's JetStream layout through the servers' monitoring port (/jsz):
 * the meta leader, each stream's leader and replica count, and waiting for a leader to change.
 * Asks only servers that are still running.
 */
import type { NatsHandle, NatsServer } from './nats.js';
import { eventually } from './ports.js';

/** One stream as /jsz reports it. */
export interface StreamLayout {
  name: string;
  /** The server_name of its leader, when it has one. */
  leader: string | undefined;
  /** Its configured replicas. */
  replicas: number;
  /** Its last sequence as that server holds it. */
  lastSeq: number;
}

interface Jsz {
  meta_cluster?: { leader?: string };
  account_details?: { stream_detail?: { name: string; cluster?: { leader?: string }; config?: { num_replicas?: number }; state?: { last_seq?: number } }[] }[];
}

/** True while the server's process runs. */
export function running(s: NatsServer): boolean {
  return s.process.exitCode === null && s.process.signalCode === null;
}

async function jsz(s: NatsServer): Promise<Jsz> {
  const res = await fetch(`http://127.0.0.1:${s.monitorPort}/jsz?streams=true&config=true`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as Jsz;
}

/** The streams of every account as the first running server that answers sees them. */
export async function streamLayouts(nats: NatsHandle): Promise<StreamLayout[]> {
  let last: unknown;
  for (const s of nats.servers.filter(running)) {
    try {
      const j = await jsz(s);
      return (j.account_details ?? []).flatMap((a) => a.stream_detail ?? []).map((d) => ({ name: d.name, leader: d.cluster?.leader, replicas: d.config?.num_replicas ?? 1, lastSeq: d.state?.last_seq ?? 0 }));
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no running server answered /jsz: ${(last as Error | undefined)?.message ?? 'none is running'}`);
}

/** The server that leads `stream` now, as the running servers agree; undefined while none does. */
export async function streamLeader(nats: NatsHandle, stream: string): Promise<NatsServer | undefined> {
  const leader = (await streamLayouts(nats)).find((s) => s.name === stream)?.leader;
  return nats.servers.find((s) => s.name === leader && running(s));
}

/** The JetStream meta leader's server, once the running servers have one. */
export async function metaLeader(nats: NatsHandle): Promise<NatsServer | undefined> {
  for (const s of nats.servers.filter(running)) {
    try {
      const name = (await jsz(s)).meta_cluster?.leader;
      const found = nats.servers.find((x) => x.name === name && running(x));
      if (found) return found;
    } catch {
      // try the next server
    }
  }
  return undefined;
}

/** Waits until `stream` has a running leader other than `not`; returns it. */
export function waitForStreamLeader(nats: NatsHandle, stream: string, not?: NatsServer, timeoutMs = 60_000): Promise<NatsServer> {
  return eventually(async () => {
    const l = await streamLeader(nats, stream);
    return l && l !== not ? l : undefined;
  }, timeoutMs, 50);
}

/** Where a consumer is served, and what it delivers. */
export interface ConsumerPlace {
  host: string;
  config: { filter_subject?: string; filter_subjects?: string[]; deliver_policy?: string };
}

/** The consumers of `stream` and the server that leads each (an R1 consumer lives on that one), as the running servers report them. */
export async function consumerHosts(nats: NatsHandle, stream: string): Promise<Map<string, ConsumerPlace>> {
  const out = new Map<string, ConsumerPlace>();
  for (const s of nats.servers.filter(running)) {
    const res = await fetch(`http://127.0.0.1:${s.monitorPort}/jsz?consumers=true&config=true`, { signal: AbortSignal.timeout(2000) });
    type Detail = { account_details?: { stream_detail?: { name: string; consumer_detail?: { name: string; config?: ConsumerPlace['config']; cluster?: { leader?: string } }[] }[] }[] };
    const j = (await res.json()) as Detail;
    for (const d of (j.account_details ?? []).flatMap((a) => a.stream_detail ?? []).filter((d) => d.name === stream)) {
      for (const c of d.consumer_detail ?? []) if (c.cluster?.leader) out.set(c.name, { host: c.cluster.leader, config: c.config ?? {} });
    }
  }
  return out;
}
