/** Test seam: a WharfClient whose fetch answers from a route table and records calls (unit specs only, not an API fake). */
import { type Fetch, WharfClient } from '@wharf/client';
import type { Io } from './base.js';

/** Answers for "METHOD path" keys (query included); unknown keys answer 404 with a NotFound Status. */
export function routedClient(routes: Record<string, unknown | ((n: number) => unknown)>) {
  const calls: string[] = [];
  const fetchFn: Fetch = async (url, init) => {
    const key = `${init.method} ${url.replace('http://wharf.test', '')}`;
    calls.push(key);
    const r = routes[key];
    const n = calls.filter((c) => c === key).length;
    const v = typeof r === 'function' ? (r as (n: number) => unknown)(n) : r;
    if (v === undefined) return new Response(JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, message: `not found: ${key}` }), { status: 404 });
    return new Response(JSON.stringify(v), { status: 200 });
  };
  return { calls, client: new WharfClient({ server: 'http://wharf.test', fetch: fetchFn }) };
}

/** An Io that keeps what was written. */
export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}
