/**
 * Long-lived chunked responses (watches, followed logs, the followed audit log): the reply is
 * taken over from fastify, and `signal` aborts when the client goes away or `end()` is called.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An open streaming response. */
export interface ResponseStream {
  res: ServerResponse;
  /** Aborts when the client disconnects (or `abort()` is called). */
  signal: AbortSignal;
  /** Stops the stream early (a timeout). */
  abort(): void;
  /** Detaches from the request and ends the response if it is still open. */
  end(): void;
}

/** Hijacks `reply`, sends 200 with chunked `contentType`, and ties an abort signal to the connection. */
export function openStream(req: FastifyRequest, reply: FastifyReply, contentType: string): ResponseStream {
  const controller = new AbortController();
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const onClose = () => controller.abort();
  req.raw.on('close', onClose);
  res.on('close', onClose);
  return {
    res,
    signal: controller.signal,
    abort: () => controller.abort(),
    end() {
      req.raw.off('close', onClose);
      if (!res.writableEnded) res.end();
    },
  };
}
