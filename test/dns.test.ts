import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from 'node:dns/promises';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import { emptyState, evolve, type LoggedEvent } from '@wharf/model';
import { DnsServer, type RunningProxy, startProxy } from '@wharf/proxy';
import type { Logger } from '@wharf/store';
import { startApi, type ApiHandle } from './harness/api.js';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

// The responder on 127.0.0.1, with an in-process state, then inside wharf-proxy following a real
// log (nats-server: run under flock /tmp/wharf-docker-e2e.lock). Every packet stays on loopback, and the
// "upstream" resolvers are fake servers this test starts itself.
const meta = { actor: 't', time: '2025-01-01T00:00:00Z' };
const created = (seq: number, kind: string, name: string, ns: string, body: Record<string, unknown>) => ({ seq, subject: `s${seq}`, type: `${kind}Created`, data: { apiVersion: 'v1', kind, metadata: { name, namespace: ns }, ...body }, metadata: meta });
const many = Array.from({ length: 200 }, (_, i) => ({ ip: `10.244.${1 + (i >> 7)}.${(i & 127) + 1}` }));
const state = evolve(emptyState(), [
  created(1, 'Service', 'microservice1', 'default', { spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 3000, protocol: 'TCP' }] } }),
  created(2, 'Service', 'db', 'default', { spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } }),
  created(3, 'Endpoints', 'db', 'default', { subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.6' }], notReadyAddresses: [{ ip: '10.244.3.7' }], ports: [{ name: 'pg', port: 5432 }] }] }),
  created(4, 'Service', 'wide', 'default', { spec: { clusterIP: 'None', ports: [{ port: 80 }] } }),
  created(5, 'Endpoints', 'wide', 'default', { subsets: [{ addresses: many, ports: [{ port: 80 }] }] }),
] as unknown as LoggedEvent[]).state;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => quiet } as unknown as Logger;

/** A fake upstream on 127.0.0.1 (UDP and TCP, one port) that answers every A question with 203.0.113.7, or never answers when silent. */
async function fakeUpstream(silent: boolean): Promise<{ socket: UdpSocket; tcp: Server; port: number; asked: string[] }> {
  const asked: string[] = [];
  const answer = (msg: Buffer): Buffer | undefined => {
    const q = dnsPacket.decode(msg);
    asked.push(q.questions?.[0]?.name ?? '');
    if (silent) return undefined;
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 60, data: '203.0.113.7' }] });
  };
  // A UDP port is free for TCP too almost always; try again when it is not.
  for (let attempt = 0; ; attempt++) {
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => {
      const reply = answer(msg);
      if (reply) socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const port = socket.address().port;
    const tcp = createServer((c) =>
      c.on('data', (d) => {
        const reply = answer(d.subarray(2));
        if (reply) c.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 255]), reply]));
      }),
    );
    const listening = await new Promise<boolean>((r) => {
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (listening) return { socket, tcp, port, asked };
    socket.close();
    if (attempt >= 10) throw new Error('no port free for both UDP and TCP');
  }
}

async function start(upstreamPort: number): Promise<{ server: DnsServer; resolver: Resolver }> {
  const server = new DnsServer({ address: '127.0.0.1', port: 0, upstreams: [{ host: '127.0.0.1', port: upstreamPort }], upstreamTimeoutMs: 300, log: quiet });
  await server.start();
  server.setState(state);
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  resolver.setServers([`127.0.0.1:${server.port}`]);
  return { server, resolver };
}

/** Sends one raw UDP datagram to the responder; the reply, or undefined after `waitMs`. */
function udpExchange(port: number, message: Buffer, waitMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (m: Buffer | undefined): void => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    };
    const timer = setTimeout(() => done(undefined), waitMs);
    s.on('message', (m) => done(m));
    s.send(message, port, '127.0.0.1');
  });
}

/** Sends `before` (raw bytes), then one length-prefixed message over TCP to the responder; the first reply. */
function tcpExchange(port: number, message: Buffer, before = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      s.destroy();
      resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    s.write(Buffer.concat([before, Buffer.from([message.length >> 8, message.length & 255]), message]));
  });
}

describe('the DNS responder over UDP and TCP on loopback', () => {
  let up: Awaited<ReturnType<typeof fakeUpstream>>;
  let silent: Awaited<ReturnType<typeof fakeUpstream>>;
  let a: Awaited<ReturnType<typeof start>>;
  let b: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    up = await fakeUpstream(false);
    silent = await fakeUpstream(true);
    a = await start(up.port);
    b = await start(silent.port);
  });
  afterAll(async () => {
    await a?.server.stop();
    await b?.server.stop();
    for (const u of [up, silent]) {
      u?.socket.close();
      u?.tcp.close();
    }
  });

  it('answers a Service FQDN with its cluster IP', async () => {
    expect(await a.resolver.resolve4('microservice1.default.svc.cluster.local', { ttl: true })).toEqual([{ address: '10.96.0.20', ttl: 5 }]);
  });

  it('answers a headless Service with its ready endpoint addresses', async () => {
    expect((await a.resolver.resolve4('db.default.svc.cluster.local')).sort()).toEqual(['10.244.1.5', '10.244.2.6']);
  });

  it('answers SRV for a named port', async () => {
    expect(await a.resolver.resolveSrv('_http._tcp.microservice1.default.svc.cluster.local')).toEqual([{ name: 'microservice1.default.svc.cluster.local', port: 3000, priority: 0, weight: 100 }]);
  });

  it('answers NXDOMAIN for an unknown name in the cluster domain, NODATA for a type the name lacks', async () => {
    await expect(a.resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(a.resolver.resolve6('microservice1.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('sets TC on a UDP answer too large, and the client gets every address over TCP', async () => {
    const raw = await udpExchange(a.server.port, dnsPacket.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'wide.default.svc.cluster.local' }] }));
    expect(dnsPacket.decode(raw!)).toMatchObject({ id: 9, flag_tc: true, answers: [] });
    expect(await a.resolver.resolve4('wide.default.svc.cluster.local')).toHaveLength(200);
  });

  it('forwards a name outside the cluster domain to the upstream, over UDP and TCP', async () => {
    expect(await a.resolver.resolve4('www.example.test')).toEqual(['203.0.113.7']);
    expect(up.asked).toContain('www.example.test');
    const overTcp = dnsPacket.decode(await tcpExchange(a.server.port, dnsPacket.encode({ type: 'query', id: 77, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'tcp.example.test' }] })));
    expect(overTcp).toMatchObject({ id: 77, rcode: 'NOERROR', answers: [{ name: 'tcp.example.test', data: '203.0.113.7' }] });
  });

  it('answers SERVFAIL when the upstream stays silent', async () => {
    await expect(b.resolver.resolve4('www.example.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(silent.asked).toContain('www.example.test');
  });

  it('survives malformed packets: FORMERR for a bad body, nothing for a runt, and answers the next query', async () => {
    const bad = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 0x41]);
    const formerr = await udpExchange(a.server.port, bad);
    expect(dnsPacket.decode(formerr!)).toMatchObject({ id: 0x1234, rcode: 'FORMERR' });
    expect(await udpExchange(a.server.port, Buffer.from([1, 2, 3]), 200)).toBeUndefined();
    expect(await udpExchange(a.server.port, Buffer.alloc(9000, 0xff), 200)).toBeUndefined();
    expect(await a.resolver.resolve4('microservice1.default.svc.cluster.local')).toEqual(['10.96.0.20']);
    const runtFirst = await tcpExchange(a.server.port, dnsPacket.encode({ type: 'query', id: 5, questions: [{ type: 'A', name: 'microservice1.default.svc.cluster.local' }] }), Buffer.from([0, 3, 9, 9, 9]));
    expect(dnsPacket.decode(runtFirst)).toMatchObject({ id: 5, answers: [{ data: '10.96.0.20' }] });
  });
});

describe('wharf-proxy with --dns-listen: the responder follows the log', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let proxy: RunningProxy;
  let resolver: Resolver;

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'dnsproxy' });
    const up = { host: '127.0.0.1', port: 9 }; // never asked: only cluster names are queried here
    proxy = await startProxy({ natsUrl: nats.url, cluster: 'dnsproxy', node: 'n1', address: '127.0.0.1', connectTimeoutMs: 500, replayLimit: 1024, dns: { address: '127.0.0.1', port: 0, upstreams: [up], domain: 'cluster.local' }, log: quiet });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${proxy.dns!.port}`]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await api?.stop();
    await nats?.stop();
  });

  it('answers a Service created through the API by its FQDN, and NXDOMAIN once it is deleted', async () => {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'microservice1' }, spec: { clusterIP: '10.96.0.33', selector: { app: 'm' }, ports: [{ name: 'http', port: 3000 }] } };
    const created = await api.fetch('/api/v1/namespaces/default/services', { method: 'POST', json: body });
    expect(created.status).toBe(201);
    const ip = await eventually(() => resolver.resolve4('microservice1.default.svc.cluster.local').then((a) => a[0], () => undefined));
    expect(ip).toBe('10.96.0.33');
    expect((await api.fetch('/api/v1/namespaces/default/services/microservice1', { method: 'DELETE' })).status).toBe(200);
    const code = await eventually(() => resolver.resolve4('microservice1.default.svc.cluster.local').then(() => undefined, (e: { code: string }) => (e.code === 'ENOTFOUND' ? e.code : undefined)));
    expect(code).toBe('ENOTFOUND');
  });
});
