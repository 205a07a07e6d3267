/**
 * A client that keeps one logical request going through outages, as a careful user of the API
 * would: it retries network errors, timeouts, 503 and 504 with capped exponential back-off, and
 * says how the request ended and how many attempts it took.
 */
import type { ApiHandle } from './api.js';

/** How one logical request ended. `status` is undefined when every attempt failed without an answer. */
export interface Outcome {
  status: number | undefined;
  body: unknown;
  attempts: number;
  /** Why each retried attempt failed: an HTTP status, 'timeout', or the network error's code (ECONNREFUSED, UND_ERR_SOCKET...). */
  causes: string[];
}

/** Settings of `retrying`. */
export interface RetryOptions {
  /** Give up (outcome unknown) after this long. */
  budgetMs: number;
  /** Abandon one attempt after this long. */
  attemptTimeoutMs: number;
  /** Statuses retried besides 503 and 504 (e.g. 409 for a write that contends with controllers). */
  alsoRetry?: readonly number[];
}

const RETRIED = [503, 504];

/** Sends `method path` until it gets an answer other than a retryable one, or the budget runs out. */
export async function retrying(api: ApiHandle, method: string, path: string, init: { json?: unknown; contentType?: string }, opts: RetryOptions): Promise<Outcome> {
  const deadline = Date.now() + opts.budgetMs;
  const causes: string[] = [];
  for (let attempt = 1; ; attempt++) {
    let cause: string;
    try {
      const res = await api.fetch(path, {
        method,
        ...(init.json !== undefined ? { json: init.json } : {}),
        ...(init.contentType ? { headers: { 'content-type': init.contentType } } : {}),
        signal: AbortSignal.timeout(opts.attemptTimeoutMs),
      });
      const text = await res.text();
      if (!RETRIED.includes(res.status) && !opts.alsoRetry?.includes(res.status)) return { status: res.status, body: parse(text), attempts: attempt, causes };
      cause = String(res.status);
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      cause = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.name);
    }
    causes.push(cause);
    if (Date.now() >= deadline) return { status: undefined, body: undefined, attempts: attempt, causes };
    const backoff = Math.min(2000, 100 * 2 ** Math.min(attempt - 1, 5));
    await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * (backoff / 2)));
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
