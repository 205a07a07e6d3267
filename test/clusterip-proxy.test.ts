import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { request, createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { parseIpv4Cidr } from '@wharf/model';
import { removeServiceRange, serviceLinkName } from '@wharf/proxy';
import { hostNetworks, overlappingNetwork } from '@wharf/store';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

// A real nats-server, wharf-api and wharf-proxy (run under flock /tmp/wharf-docker-e2e.lock). The
// proxy runs as root with its defaults: it makes 10.96.0.0/16 local on this machine (link
// wharfs<8 hex>, a route in the local table) and serves every cluster IP there and the cluster DNS on
// 10.96.0.10:53. Backends are HTTP servers of this process on 127.0.0.x behind selector-less
// Services with hand-written Endpoints (no reconcilers run). Before anything is sent to a 10.96
// address, `ip route get` must say it is local, so nothing leaves the machine.
const CLUSTER = 'cipproxy';
const LINK = serviceLinkName(CLUSTER);
const SERVICE_CIDR = '10.96.0.0/16';
const CLUSTER_DNS = '10.96.0.10';
const ns = '/api/v1/namespaces/default';

/** Throws unless `ip route get` delivers `ip` on this machine. */
function assertLocal(ip: string): void {
  const route = execFileSync('ip', ['route', 'get', ip], { encoding: 'utf8' });
  if (!route.startsWith('local ')) throw new Error(`${ip} is not local here: ${route.trim()}`);
}

interface Backend {
  name: string;
  ip: string;
  port: number;
  server: Server;
}

/** An HTTP server on `ip` that answers every request with its name. */
async function backend(name: string, ip: string): Promise<Backend> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((r) => server.listen(0, ip, r));
  return { name, ip, port: (server.address() as AddressInfo).port, server };
}

async function kill(b: Backend): Promise<void> {
  await new Promise<void>((r) => {
    b.server.close(() => r());
    b.server.closeAllConnections();
  });
}

/** One GET on a new connection (from `from` when given): the body. */
function get(ip: string, port: number, from?: string): Promise<string> {
  if (ip.startsWith('10.96.')) assertLocal(ip);
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/', agent: false, ...(from ? { localAddress: from } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** How a TCP connect to `ip:port` ends: 'connected' or the error code. */
function connectOutcome(ip: string, port: number): Promise<string> {
  assertLocal(ip);
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function endpoints(name: string, backends: Backend[]): unknown {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets: backends.map((b) => ({ addresses: [{ ip: b.ip }], ports: [{ name: 'http', port: b.port }] })) };
}

describe('wharf-proxy serves cluster IPs and the cluster DNS on this node', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let proxy: ChildProcess;
  let output = '';
  const backends: Backend[] = [];
  const clusterIP = new Map<string, string>();
  let nodePort = 0;

  /** Creates a selector-less Service and its Endpoints; remembers its cluster IP. */
  async function service(name: string, spec: Record<string, unknown>, to: Backend[]): Promise<void> {
    const r = await api.fetch(`${ns}/services`, { method: 'POST', json: { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'http', port: 80 }], ...spec } } });
    expect(r.status).toBe(201);
    const svc = (await r.json()) as { spec: { clusterIP: string; ports: { nodePort?: number }[] } };
    clusterIP.set(name, svc.spec.clusterIP);
    if (svc.spec.ports[0]!.nodePort) nodePort = svc.spec.ports[0]!.nodePort;
    expect((await api.fetch(`${ns}/endpoints`, { method: 'POST', json: endpoints(name, to) })).status).toBe(201);
  }

  async function setEndpoints(name: string, to: Backend[]): Promise<void> {
    const current = (await (await api.fetch(`${ns}/endpoints/${name}`)).json()) as { metadata: Record<string, unknown> };
    const r = await api.fetch(`${ns}/endpoints/${name}`, { method: 'PUT', json: { ...(endpoints(name, to) as object), metadata: current.metadata } });
    expect(r.status).toBe(200);
  }

  beforeAll(async () => {
    const clash = overlappingNetwork(parseIpv4Cidr(SERVICE_CIDR), hostNetworks());
    if (clash) throw new Error(`this machine already uses ${SERVICE_CIDR}: ${clash.source}`);
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: CLUSTER });
    for (const [i, name] of ['a', 'b', 'c', 'x', 'y', 'z'].entries()) backends.push(await backend(name, `127.0.0.${i + 2}`));
    proxy = spawn(process.execPath, [BIN.proxy, '--nats', nats.url, '--cluster', CLUSTER, '--node', 'n1', '--address', '127.0.0.1', '--dns-upstream', '127.0.0.1:9', '--sync-period', '300'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, WHARF_LOG_LEVEL: 'info' },
    });
    proxy.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(() => output.includes('proxy started') || proxy.exitCode !== null, 20_000);
    if (proxy.exitCode !== null) throw new Error(`wharf-proxy exited: ${output}`);
    const [a, b, c, x, y, z] = backends;
    await service('rr', {}, [a!, b!, c!]);
    await service('sticky', { sessionAffinity: 'ClientIP' }, [a!, b!, c!]);
    await service('failover', {}, [x!, y!, z!]);
    await service('np', { type: 'NodePort' }, [a!]);
  });

  afterAll(async () => {
    if (proxy && proxy.exitCode === null && proxy.signalCode === null) {
      await new Promise<void>((r) => {
        proxy.once('exit', () => r());
        proxy.kill('SIGTERM');
      });
    }
    await removeServiceRange(CLUSTER).catch(() => undefined);
    for (const b of backends) if (b.server.listening) await kill(b);
    await api?.stop();
    await nats?.stop();
  });

  it('makes the service CIDR local through its own link, up', () => {
    expect(existsSync(`/sys/class/net/${LINK}`)).toBe(true);
    expect(execFileSync('ip', ['-4', 'route', 'show', 'table', 'local', 'dev', LINK], { encoding: 'utf8' })).toContain(`local ${SERVICE_CIDR}`);
    for (const ip of [...clusterIP.values(), CLUSTER_DNS]) expect(() => assertLocal(ip)).not.toThrow();
  });

  it('round-robins connections to clusterIP:port over the three backends', async () => {
    const ip = clusterIP.get('rr')!;
    await eventually(() => get(ip, 80).then(() => true, () => false), 10_000);
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push(await get(ip, 80));
    expect([...bodies].sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    expect(bodies.slice(3)).toEqual(bodies.slice(0, 3));
  });

  it('keeps each client IP on one backend with ClientIP affinity', async () => {
    const ip = clusterIP.get('sticky')!;
    await eventually(() => get(ip, 80).then(() => true, () => false), 10_000);
    for (const from of ['127.0.0.20', '127.0.0.21']) {
      const bodies = new Set<string>();
      for (let i = 0; i < 5; i++) bodies.add(await get(ip, 80, from));
      expect(bodies.size).toBe(1);
    }
    const spread = new Set<string>();
    for (let i = 0; i < 3; i++) spread.add(await get(clusterIP.get('rr')!, 80, '127.0.0.20'));
    expect(spread.size).toBe(3);
  });

  it('loses no connection while backends die one by one and the Endpoints follow', async () => {
    const ip = clusterIP.get('failover')!;
    const [, , , x, y, z] = backends;
    await eventually(() => get(ip, 80).then(() => true, () => false), 10_000);
    const failures: string[] = [];
    const bodies: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) await get(ip, 80).then((b) => bodies.push(b), (e: Error) => failures.push(e.message));
    })();
    const after = async (n: number) => {
      const until = bodies.length + n;
      await eventually(() => bodies.length >= until || failures.length > 0, 20_000);
    };
    await after(6);
    await kill(x!);
    await after(6);
    await setEndpoints('failover', [y!, z!]);
    await after(6);
    await kill(y!);
    // The one request in flight may have had y's answer before the kill.
    await after(1);
    const mark = bodies.length;
    await after(6);
    await setEndpoints('failover', [z!]);
    await after(6);
    running = false;
    await loop;
    expect(failures).toEqual([]);
    expect(new Set(bodies.slice(mark))).toEqual(new Set(['z']));
  });

  it('reaches the same backends on the NodePort of the node address', async () => {
    await eventually(() => nodePort > 0 && get('127.0.0.1', nodePort).then((b) => b === 'a', () => false), 10_000);
    expect(await get(clusterIP.get('np')!, 80)).toBe('a');
  });

  it('answers svc.ns.svc.cluster.local with the cluster IP at the cluster DNS address, over UDP and TCP', async () => {
    assertLocal(CLUSTER_DNS);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([CLUSTER_DNS]);
    const answer = await eventually(() => resolver.resolve4('rr.default.svc.cluster.local').then((a) => a, () => undefined), 10_000);
    expect(answer).toEqual([clusterIP.get('rr')]);
    const query = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'np.default.svc.cluster.local' }] });
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const s = connect({ host: CLUSTER_DNS, port: 53 });
      let buf = Buffer.alloc(0);
      s.on('error', reject);
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      s.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 255]), query]));
    });
    expect(dnsPacket.decode(reply)).toMatchObject({ id: 7, answers: [{ type: 'A', data: clusterIP.get('np') }] });
  });

  it('closes the listener of a deleted Service: connections are refused', async () => {
    const ip = clusterIP.get('sticky')!;
    expect(await connectOutcome(ip, 80)).toBe('connected');
    expect((await api.fetch(`${ns}/services/sticky`, { method: 'DELETE' })).status).toBe(200);
    expect(await eventually(() => connectOutcome(ip, 80).then((o) => (o === 'ECONNREFUSED' ? o : undefined)), 10_000)).toBe('ECONNREFUSED');
  });

  it('restores the local route, and the link, when they go missing', async () => {
    // Nothing is sent to the range until `ip route get` says local again.
    const localRoutes = () => execFileSync('ip', ['-4', 'route', 'show', 'table', 'local', 'dev', LINK], { encoding: 'utf8' });
    execFileSync('ip', ['route', 'del', 'local', SERVICE_CIDR, 'dev', LINK, 'table', 'local']);
    await eventually(() => localRoutes().includes(`local ${SERVICE_CIDR}`), 10_000);
    execFileSync('ip', ['link', 'set', LINK, 'down']);
    await eventually(() => (Number.parseInt(readFileSync(`/sys/class/net/${LINK}/flags`, 'utf8'), 16) & 1) === 1, 10_000);
    expect(localRoutes()).toContain(`local ${SERVICE_CIDR}`);
    await eventually(() => output.match(/service CIDR made local/g)?.length === 2, 10_000);
    expect(await get(clusterIP.get('rr')!, 80)).toMatch(/^[abc]$/);
  });

  it('lets wharf-api restart with the service range local on its machine', async () => {
    await api.stop();
    await api.restart();
    expect((await api.fetch('/readyz')).ok).toBe(true);
  });

  it('leaves the link in place when the proxy stops; removeServiceRange takes link and route away', async () => {
    await new Promise<void>((r) => {
      proxy.once('exit', () => r());
      proxy.kill('SIGTERM');
    });
    expect(existsSync(`/sys/class/net/${LINK}`)).toBe(true);
    expect(() => assertLocal(CLUSTER_DNS)).not.toThrow();
    expect(await removeServiceRange(CLUSTER)).toBe(true);
    expect(existsSync(`/sys/class/net/${LINK}`)).toBe(false);
    expect(execFileSync('ip', ['-4', 'route', 'show', 'table', 'local'], { encoding: 'utf8' })).not.toContain(SERVICE_CIDR);
    expect(execFileSync('ip', ['route', 'get', CLUSTER_DNS], { encoding: 'utf8' })).not.toMatch(/^local /);
    expect(await removeServiceRange(CLUSTER)).toBe(false);
  });
});
