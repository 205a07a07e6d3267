/** JSON over HTTPS for init and join, with an explicit trust: a CA, or (only to fetch the CA that is then pinned) none. */
import { request } from 'node:https';

/** How a request trusts the server. */
export type Trust = { ca: string } | { insecure: true };

/** An answer: status and parsed JSON (or the text, when not JSON). */
export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** Raised when the server cannot be reached at all; the message names the address and why. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** Sends one request; rejects with UnreachableError for connection and TLS failures. */
export function httpsJson<T = unknown>(url: string, trust: Trust, opts: { method?: string; token?: string; body?: unknown; timeoutMs?: number; contentType?: string } = {}): Promise<JsonAnswer<T>> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ...('ca' in trust ? { ca: trust.ca } : { rejectUnauthorized: false }),
        headers: { accept: 'application/json', ...(body ? { 'content-type': opts.contentType ?? 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new UnreachableError(`${new URL(url).host} did not answer within ${(opts.timeoutMs ?? 5000) / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof UnreachableError ? e : new UnreachableError(`cannot reach ${new URL(url).host}: ${e.code ?? e.message}${e.code ? '' : ''}${/certificate|self.signed|SSL|TLS/i.test(e.message) ? ` (${e.message})` : ''}`)));
    if (body) req.write(body);
    req.end();
  });
}

/** The message of a Kubernetes Status answer, or the status code. */
export function statusMessage(a: JsonAnswer<unknown>): string {
  const b = a.body as { message?: string } | string;
  return typeof b === 'object' && b && typeof b.message === 'string' ? b.message : `HTTP ${a.status}`;
}
