import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { emptyState, evolve, type LoggedEvent, type State } from '@wharf/model';
import type { Logger } from '@wharf/store';
import { ServiceProxy } from './proxy.js';

// In-process loopback sockets only: what an endpoint change does to connections already forwarded.
const servers: Server[] = [];
const proxies: ServiceProxy[] = [];
afterEach(async () => {
  servers.splice(0).forEach((s) => s.close());
  for (const p of proxies.splice(0)) await p.stop();
});

const meta = { actor: 't', time: '2025-01-01T00:00:00Z' };
/** The log of one NodePort Service whose Endpoints list `ports` on 127.0.0.1, the Endpoints written at `seq`. */
function stateWith(nodePort: number, seq: number, ports: number[]): State {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort, protocol: 'TCP' }] } };
  const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: ports.map((port) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ port, protocol: 'TCP' }] })) };
  const events = [
    { seq: 1, subject: 's', type: 'ServiceCreated', data: svc, metadata: meta },
    { seq, subject: 'e', type: 'EndpointsCreated', data: ep, metadata: meta },
  ] as unknown as LoggedEvent[];
  return evolve(emptyState(), events).state;
}

function listen(onConn: (s: Socket) => void): Promise<number> {
  const s = createServer({ allowHalfOpen: true }, onConn);
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const port = await listen(() => undefined);
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

/** A proxy on 127.0.0.1 whose log tells when a NodePort listens and that counts drain changes. */
function startProxy(): { proxy: ServiceProxy; listening: Promise<void>; drainChanges: () => number; nextDrainChange: () => Promise<void> } {
  let listened!: () => void;
  const listening = new Promise<void>((r) => (listened = r));
  let changes = 0;
  let waiter: (() => void) | undefined;
  const log = { info: (_o: unknown, msg: string) => msg === 'listening on NodePort' && listened(), warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;
  const proxy = new ServiceProxy({
    address: '127.0.0.1',
    log,
    connectTimeoutMs: 500,
    replayLimit: 1024,
    onDrainChange: () => {
      changes++;
      waiter?.();
    },
  });
  proxies.push(proxy);
  return { proxy, listening, drainChanges: () => changes, nextDrainChange: () => new Promise((r) => (waiter = r)) };
}

describe('ServiceProxy: an endpoint leaving the routes', () => {
  it('lets a connection already forwarded to it finish, reports the backend as draining meanwhile, and not after', async () => {
    let backendSide!: Socket;
    let accepted!: () => void;
    const gotRequest = new Promise<void>((r) => (accepted = r));
    const backend = await listen((s) => {
      backendSide = s;
      s.once('data', () => {
        s.write('first half,');
        accepted();
      });
    });
    const nodePort = await freePort();
    const { proxy, listening, drainChanges, nextDrainChange } = startProxy();
    proxy.apply(stateWith(nodePort, 2, [backend]));
    await listening;
    expect(proxy.seq).toBe(2);

    const client = connect(nodePort, '127.0.0.1');
    let body = '';
    client.on('data', (d) => (body += d.toString()));
    const closed = new Promise<boolean>((r) => client.on('close', (hadError) => r(hadError)));
    client.write('GET');
    await gotRequest;

    // The endpoints controller drops the backend: no new connection goes there, this one stays.
    const dropped = nextDrainChange();
    proxy.apply(stateWith(nodePort, 3, []));
    await dropped;
    expect(proxy.seq).toBe(3);
    expect(proxy.draining().map((b) => b.key)).toEqual([`127.0.0.1:${backend}`]);

    const drained = nextDrainChange();
    backendSide.end('second half');
    expect(await closed).toBe(false);
    expect(body).toBe('first half,second half');
    await drained;
    expect(proxy.draining()).toEqual([]);
    expect(drainChanges()).toBe(2);
  });
});
