/**
 * The client's fetch over node:http and node:https: a standard Response (streamed body for
 * watches and logs), the cluster CA trusted, keep-alive sockets that do not hold the process
 * open. undici's fetch did this too, but loading it cost a CLI run more than its whole request
 * (about 0.1 s of `wharf get pods`).
 */
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { Fetch } from './client.js';

/** Statuses whose Response may not carry a body (the Fetch standard's null body statuses). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** A fetch that trusts `ca` (or, with `insecure`, any certificate) for HTTPS servers. */
export function nodeFetch(tls: { ca?: string | undefined; insecure?: boolean } = {}): Fetch {
  const https = new HttpsAgent({ keepAlive: true, ...(tls.ca ? { ca: tls.ca } : {}), rejectUnauthorized: !tls.insecure });
  const http = new HttpAgent({ keepAlive: true });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      if (!secure && u.protocol !== 'http:') return reject(new TypeError(`unsupported protocol ${u.protocol} in ${url}`));
      const signal = init.signal;
      if (signal?.aborted) return reject(aborted());
      // A length for every body: node:http frames a DELETE's body neither chunked nor by length otherwise.
      const headers = init.body === null ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
      const req = (secure ? httpsRequest : httpRequest)(u, { method: init.method, headers, agent: secure ? https : http });
      // An abort ends the request, or the answer's body, with AbortError (as fetch does), not ECONNRESET.
      let stream: IncomingMessage | undefined;
      const onAbort = () => {
        const e = aborted();
        if (stream) stream.destroy(e);
        else {
          req.destroy(e);
          reject(e);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      req.on('response', (res) => {
        stream = res;
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        const answer = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answer.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        const status = res.statusCode ?? 502;
        const empty = NULL_BODY.has(status) || init.method === 'HEAD';
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers: answer }));
      });
      req.end(init.body ?? undefined);
    });
}

function aborted(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}
