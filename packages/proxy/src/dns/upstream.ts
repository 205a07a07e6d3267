/**
 * Forwarding a query to the node's own resolvers (I/O): each upstream in turn, over the
 * transport the client used, until one answers within the timeout. The query goes out under a
 * fresh random id from a fresh socket, and only a well-formed response from that upstream with
 * that id and the same question is taken; the client's id is put back.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Transport } from './message.js';

/** One upstream resolver. */
export interface Upstream {
  host: string;
  port: number;
}

/** Parses `HOST`, `HOST:PORT` or `[V6]:PORT` (port 53 by default) into an upstream. */
export function parseUpstream(s: string): Upstream {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 53) };
  if (isIPv6(s)) return { host: s, port: 53 };
  const [host, port] = s.split(':');
  return { host: host!, port: Number(port ?? 53) };
}

function sameQuestion(a: Buffer, b: Buffer): boolean {
  try {
    const qa = dnsPacket.decode(a).questions?.[0];
    const qb = dnsPacket.decode(b).questions?.[0];
    return !!qa && !!qb && qa.name.toLowerCase() === qb.name.toLowerCase() && qa.type === qb.type;
  } catch {
    return false;
  }
}

function viaUdp(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(up.host) ? 'udp6' : 'udp4');
    const done = (reply: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (msg, from) => {
      if (from.address !== up.host || from.port !== up.port || msg.length < 12 || msg.readUInt16BE(0) !== query.readUInt16BE(0) || !sameQuestion(query, msg)) return;
      done(msg);
    });
    socket.send(query, up.port, up.host, (err) => err && done(undefined));
  });
}

function viaTcp(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    const done = (reply: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      done(msg.length >= 12 && msg.readUInt16BE(0) === query.readUInt16BE(0) && sameQuestion(query, msg) ? Buffer.from(msg) : undefined);
    });
  });
}

/** Sends `raw` to each upstream in turn over `transport`; the first valid response, with the client's id, or undefined when none answered in time. */
export async function forwardQuery(raw: Buffer, upstreams: readonly Upstream[], transport: Transport, timeoutMs: number): Promise<Buffer | undefined> {
  const clientId = raw.readUInt16BE(0);
  for (const up of upstreams) {
    const query = Buffer.from(raw);
    query.writeUInt16BE(randomInt(0, 65536), 0);
    const reply = await (transport === 'udp' ? viaUdp : viaTcp)(query, up, timeoutMs);
    if (!reply) continue;
    const out = Buffer.from(reply);
    out.writeUInt16BE(clientId, 0);
    return out;
  }
  return undefined;
}
