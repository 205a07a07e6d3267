import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { backend, type Backend } from './balancer.js';
import { forward } from './forward.js';

// In-process loopback sockets only: the forwarder's failover rules, no cluster needed.
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

function listen(onConn: (s: import('node:net').Socket) => void): Promise<Backend> {
  const s = createServer({ allowHalfOpen: true }, onConn);
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(backend('127.0.0.1', (s.address() as AddressInfo).port))));
}

const echoName = (name: string) => listen((s) => s.once('data', (d) => s.end(`${name}:${d.toString()}`)));

async function through(order: Backend[]): Promise<{ body: string; chosen?: Backend; error?: string }> {
  let chosen: Backend | undefined;
  const front = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) => forward(c, order, { connectTimeoutMs: 500, replayLimit: 1024 }, (b) => (chosen = b)));
  servers.push(front);
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  const c = connect((front.address() as AddressInfo).port, '127.0.0.1');
  c.write('hello');
  let body = '';
  c.on('data', (d) => (body += d.toString()));
  return new Promise((r) => {
    c.on('error', (e) => r({ body, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    c.on('close', () => r({ body, ...(chosen ? { chosen } : {}) }));
  });
}

describe('forward', () => {
  it('pipes to the first backend', async () => {
    const a = await echoName('a');
    expect(await through([a])).toMatchObject({ body: 'a:hello', chosen: a });
  });

  it('skips a backend that refuses', async () => {
    const dead = await listen(() => undefined);
    servers.pop()!.close();
    const b = await echoName('b');
    expect(await through([dead, b])).toMatchObject({ body: 'b:hello', chosen: b });
  });

  it('replays the request to the next backend when one closes without answering', async () => {
    const closer = await listen((s) => s.once('data', () => s.destroy()));
    const b = await echoName('b');
    expect(await through([closer, b])).toMatchObject({ body: 'b:hello', chosen: b });
  });

  it('resets the client when no backend answers', async () => {
    const dead = await listen(() => undefined);
    servers.pop()!.close();
    const r = await through([dead]);
    expect(r.body).toBe('');
    expect(r.chosen).toBeUndefined();
  });
});
