/**
 * A steady create load against several API servers of one cluster, sent as a careful client with
 * every control-plane address would send it: each create is retried with the same body through
 * network errors, attempt timeouts, 503 (after its Retry-After) and 504, on the next server each
 * time. Every attempt is recorded, so a test can tell a 409 for the caller's own object or a 504
 * for a write that landed from a success.
 */
import { Agent, fetch as undiciFetch, type RequestInit as UndiciInit } from 'undici';
import type { ApiHandle } from './api.js';

/** What the load sends through: an API server's authenticated fetch (an ApiHandle, or remoteApi's). */
export type LoadTarget = Pick<ApiHandle, 'fetch'>;

/** A load target for an API server at `url` (https), as the admin with `token`, trusting `ca` (PEM). */
export function remoteApi(url: string, token: string, ca: string): LoadTarget {
  const dispatcher = new Agent({ connect: { ca } });
  return {
    fetch(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) };
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      return undiciFetch(url + path, { ...(init as UndiciInit), headers, body: (body ?? null) as UndiciInit['body'], dispatcher }) as unknown as Promise<Response>;
    },
  };
}

/** One attempt of a create: when it was sent and ended, and how (an HTTP status, 'timeout', or a network error code). */
export interface Attempt {
  api: number;
  sentAt: number;
  endedAt: number;
  result: number | string;
}

/** One logical create and how it ended. */
export interface CreateRecord {
  name: string;
  startedAt: number;
  attempts: Attempt[];
  /** The final answer's status; undefined when the budget ran out with no answer. */
  status: number | undefined;
  /** The final answer's body. */
  body: { metadata?: { uid?: string; resourceVersion?: string } } | undefined;
}

/** Settings of a load. */
export interface LoadOptions {
  /** Concurrent clients, each sending one create after the other. */
  clients: number;
  /** The object to create for a name. */
  body: (name: string) => unknown;
  /** The collection URL (e.g. /api/v1/namespaces/default/pods). */
  path: string;
  attemptTimeoutMs: number;
  budgetMs: number;
  /** A pause after each create of a client (a steady rate rather than the most the servers take); default 0. */
  pauseMs?: number;
}

/** A load running until `stop()`, which resolves with every create sent. */
export interface Load {
  stop(): Promise<CreateRecord[]>;
}

const RETRIED = [503, 504];

/** Sends one create until it gets an answer other than a retryable one, or the budget runs out. */
export async function createAsClient(apis: LoadTarget[], first: number, name: string, o: LoadOptions): Promise<CreateRecord> {
  const rec: CreateRecord = { name, startedAt: Date.now(), attempts: [], status: undefined, body: undefined };
  const deadline = rec.startedAt + o.budgetMs;
  for (let attempt = 0; ; attempt++) {
    const api = (first + attempt) % apis.length;
    let wait = Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
    const sentAt = Date.now();
    try {
      const res = await apis[api]!.fetch(o.path, { method: 'POST', json: o.body(name), signal: AbortSignal.timeout(o.attemptTimeoutMs) });
      const text = await res.text();
      rec.attempts.push({ api, sentAt, endedAt: Date.now(), result: res.status });
      if (!RETRIED.includes(res.status)) {
        rec.status = res.status;
        rec.body = text ? (JSON.parse(text) as CreateRecord['body']) : undefined;
        return rec;
      }
      const after = Number(res.headers.get('retry-after'));
      if (after > 0) wait = after * 1000;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      rec.attempts.push({ api, sentAt, endedAt: Date.now(), result: err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.name) });
    }
    if (Date.now() >= deadline) return rec;
    await new Promise((r) => setTimeout(r, wait / 2 + Math.random() * (wait / 2)));
  }
}

/** Starts `clients` clients creating `prefix-<n>` objects, spread over `apis`. */
export function startLoad(apis: LoadTarget[], prefix: string, o: LoadOptions): Load {
  let stopping = false;
  let next = 0;
  const records: CreateRecord[] = [];
  const client = async (c: number) => {
    while (!stopping) {
      const n = next++;
      records.push(await createAsClient(apis, c, `${prefix}-${n}`, o));
      if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  const running = Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  return {
    async stop() {
      stopping = true;
      await running;
      return records;
    },
  };
}

/** The longest time within [from, to] in which no create was answered 201 (a write stall), and when it began. */
export function longestGap(records: CreateRecord[], from: number, to: number): { ms: number; since: number } {
  const times = records
    .filter((r) => r.status === 201)
    .map((r) => r.attempts.at(-1)!.endedAt)
    .filter((t) => t >= from && t <= to)
    .sort((a, b) => a - b);
  let best = { ms: 0, since: from };
  let prev = from;
  for (const t of [...times, to]) {
    if (t - prev > best.ms) best = { ms: t - prev, since: prev };
    prev = t;
  }
  return best;
}
