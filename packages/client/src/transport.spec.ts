import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './transport.js';

let server: Server;
let base: string;
const seen: { method: string; body: string; length?: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, body, length: req.headers['content-length'] });
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-a': '1' });
        res.write('{"n":1}\n');
        setTimeout(() => res.end('{"n":2}\n'), 20);
        return;
      }
      if (req.url === '/hang') return void res.writeHead(200).write('x');
      if (req.url === '/silent') return;
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('nodeFetch', () => {
  const fetch = nodeFetch();

  it('sends a DELETE body with its length, and answers 404 as a Response', async () => {
    const res = await fetch(`${base}/x`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"propagationPolicy":"Background"}', signal: null });
    expect(res.status).toBe(404);
    expect(res.ok).toBe(false);
    expect(await res.json()).toEqual({ kind: 'Status', code: 404 });
    expect(seen.at(-1)).toEqual({ method: 'DELETE', body: '{"propagationPolicy":"Background"}', length: '34' });
  });

  it('streams a body as it comes, with the answer\'s headers', async () => {
    const res = await fetch(`${base}/stream`, { method: 'GET', headers: {}, body: null, signal: null });
    expect(res.headers.get('x-a')).toBe('1');
    const chunks: string[] = [];
    for await (const c of res.body!) chunks.push(Buffer.from(c).toString());
    expect(chunks.join('')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('gives a 204 no body', async () => {
    const res = await fetch(`${base}/empty`, { method: 'GET', headers: {}, body: null, signal: null });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('ends a request, or its streamed answer, with AbortError on abort, and refuses a closed port with its code', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${base}/hang`, { method: 'GET', headers: {}, body: null, signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    const before = new AbortController();
    const pending = fetch(`${base}/silent`, { method: 'GET', headers: {}, body: null, signal: before.signal });
    setTimeout(() => before.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fetch('http://127.0.0.1:1/', { method: 'GET', headers: {}, body: null, signal: null })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
