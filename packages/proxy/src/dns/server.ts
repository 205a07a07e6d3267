/**
 * The node's DNS responder (kube-dns), over UDP and TCP on one address and port: answers names
 * in the cluster domain from the current state, forwards the others to upstream resolvers and
 * answers SERVFAIL when none does. Undecodable packets get FORMERR or are dropped; nothing a
 * client sends stops the server.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { State } from '@wharf/model';
import type { Logger } from '@wharf/store';
import { handleMessage, servfail, type Transport } from './message.js';
import { forwardQuery, type Upstream } from './upstream.js';
import { buildZone, DEFAULT_CLUSTER_DOMAIN, type DnsZone } from './zone.js';

/** Settings of a DnsServer. */
export interface DnsServerOptions {
  address: string;
  /** 0 picks a port free for both UDP and TCP. */
  port: number;
  upstreams: readonly Upstream[];
  log: Logger;
  domain?: string;
  /** ms to wait for each upstream (default 2000). */
  upstreamTimeoutMs?: number;
  /** Forwards in flight at most; beyond, SERVFAIL at once (default 1024). */
  maxForwards?: number;
  /** TCP connections at most (default 256). */
  maxTcpConnections?: number;
  /** ms a TCP connection may stay idle (default 10000). */
  tcpIdleMs?: number;
  /** `serve`: ms between two binding attempts after a failure (default 5000). */
  rebindMs?: number;
  /** `serve`: called when the address is not local (EADDRNOTAVAIL), before the next attempt. */
  onAddressMissing?: () => void;
}

/** A DNS responder serving the zone of the last state it was given. */
export class DnsServer {
  #zone: DnsZone | undefined;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  #conns = new Set<Socket>();
  #forwards = 0;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly domain: string;

  constructor(readonly opts: DnsServerOptions) {
    this.domain = opts.domain ?? DEFAULT_CLUSTER_DOMAIN;
  }

  /** Answers from `state`'s Services and Endpoints from now on. */
  setState(state: State): void {
    this.#zone = buildZone(state, this.domain);
  }

  /** The port both transports listen on (after start). */
  get port(): number {
    return this.#udp?.address().port ?? 0;
  }

  /** Listens on UDP and TCP; resolves once both are bound. */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const udp = await this.#bindUdp(this.opts.port);
      try {
        this.#tcp = await this.#listenTcp(udp.address().port);
        this.#udp = udp;
        break;
      } catch (e) {
        udp.close();
        if (this.opts.port !== 0 || attempt >= 10) throw e;
      }
    }
    const upstreams = this.opts.upstreams.map((u) => `${u.host}:${u.port}`);
    this.opts.log.info({ address: this.opts.address, port: this.port, domain: this.domain, upstreams }, 'DNS responder listening');
    if (!upstreams.length) this.opts.log.warn('no upstream resolver: names outside the cluster domain get SERVFAIL');
  }

  /**
   * Starts, and when binding fails logs it (once per error code) and tries again every
   * `rebindMs` until it binds or stops; resolves after the first attempt either way.
   */
  async serve(): Promise<void> {
    let logged: string | undefined;
    const attempt = async (): Promise<void> => {
      this.#retry = undefined;
      if (this.#stopped) return;
      try {
        await this.start();
        if (this.#stopped) return void (await this.stop());
        if (logged) this.opts.log.info({ address: this.opts.address, port: this.port }, 'DNS responder bound after retrying');
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const code = err.code ?? err.message;
        const fields = { address: this.opts.address, port: this.opts.port, err: err.message };
        if (logged === code) this.opts.log.debug(fields, 'cannot serve DNS yet; retrying');
        else this.opts.log.error(fields, `cannot serve DNS; retrying every ${this.opts.rebindMs ?? 5000} ms`);
        logged = code;
        if (code === 'EADDRNOTAVAIL') this.opts.onAddressMissing?.();
        if (!this.#stopped) this.#retry = setTimeout(() => void attempt(), this.opts.rebindMs ?? 5000);
      }
    };
    await attempt();
  }

  #bindUdp(port: number): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const udp = createSocket(isIPv6(this.opts.address) ? 'udp6' : 'udp4');
      udp.once('error', (err) => {
        udp.close();
        reject(err);
      });
      udp.bind(port, this.opts.address, () => {
        udp.removeAllListeners('error');
        udp.on('error', (err) => this.opts.log.warn({ err: err.message }, 'DNS UDP socket error'));
        udp.on('message', (msg, rinfo) =>
          this.#answer(msg, 'udp', (reply) => {
            try {
              udp.send(reply, rinfo.port, rinfo.address);
            } catch {
              // closed while the forward was in flight
            }
          }),
        );
        resolve(udp);
      });
    });
  }

  #listenTcp(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const tcp = createServer((s) => this.#onConnection(s));
      tcp.maxConnections = this.opts.maxTcpConnections ?? 256;
      tcp.once('error', reject);
      tcp.listen(port, this.opts.address, () => {
        tcp.off('error', reject);
        resolve(tcp);
      });
    });
  }

  /** Reads length-prefixed messages (RFC 7766), answers each in turn; a message over the limit ends the connection. */
  #onConnection(s: Socket): void {
    this.#conns.add(s);
    s.setTimeout(this.opts.tcpIdleMs ?? 10_000, () => s.destroy());
    s.on('close', () => this.#conns.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = Buffer.from(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        this.#answer(msg, 'tcp', (reply) => {
          if (s.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          s.write(Buffer.concat([prefix, reply]));
        });
      }
      if (buf.length > 2 + 4096) s.destroy();
    });
  }

  #answer(raw: Buffer, transport: Transport, send: (reply: Buffer) => void): void {
    let outcome;
    try {
      outcome = handleMessage(raw, this.#zone, transport);
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'DNS message not handled');
      return;
    }
    if (outcome.action === 'drop') return;
    if (outcome.action === 'reply') return send(outcome.message);
    const query = outcome.query;
    if (this.#forwards >= (this.opts.maxForwards ?? 1024) || !this.opts.upstreams.length) return send(servfail(query, transport));
    this.#forwards++;
    forwardQuery(raw, this.opts.upstreams, transport, this.opts.upstreamTimeoutMs ?? 2000)
      .then((reply) => send(reply ?? servfail(query, transport)))
      .catch(() => send(servfail(query, transport)))
      .finally(() => this.#forwards--);
  }

  /** Stops listening and closes open TCP connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    for (const s of this.#conns) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.#udp ? this.#udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.#tcp ? this.#tcp.close(() => r()) : r())),
    ]);
  }
}
