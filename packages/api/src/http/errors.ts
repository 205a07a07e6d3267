/** One error handler for the whole API: every failure leaves as a Kubernetes Status, never a stack. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { BadRequestError, InternalError, NotFoundError, RequestEntityTooLargeError, UnavailableError, UnsupportedMediaTypeError, WharfError } from '@wharf/model';
import { isOutage } from '@wharf/store';
import { BODY_LIMITS } from './limits.js';
import { NON_NEGATIVE_INTEGER } from './schemas.js';

/** The body-size limit, as kube-apiserver's (3 MiB). */
export const BODY_LIMIT = BODY_LIMITS.bytes;

/** The media types a request body may have. */
export const BODY_TYPES = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json'];

/** What the error mapping reads from the request: its Content-Type and the values a schema checked. */
export interface RequestFacts {
  contentType?: string | undefined;
  query?: unknown;
  params?: unknown;
}

/** The message of a 400 for a query or path value that failed its schema, naming the parameter and its value. */
export function validationMessage(errors: readonly FastifySchemaValidationError[], context: string, values: unknown): string {
  const e = errors[0];
  if (!e) return `invalid ${context}`;
  const name = e.instancePath.replace(/^\//, '') || String(e.params.missingProperty ?? context);
  const value = (values as Record<string, unknown> | undefined)?.[name];
  const allowed = e.params.allowedValues as string[] | undefined;
  if (e.keyword === 'pattern' && e.params.pattern === NON_NEGATIVE_INTEGER) return `invalid value for ${name}: "${String(value)}" is not a non-negative integer`;
  if (e.keyword === 'enum' && allowed) return `${name} must be ${allowed.length === 1 ? `"${allowed[0]}"` : `one of ${allowed.join(', ')}`}; got "${String(value)}"`;
  if (e.keyword === 'type' && Array.isArray(value)) return `${name} must be given once; got ${value.length} values`;
  return `invalid value for ${name}: ${e.message ?? 'not valid'}`;
}

/** Maps any thrown value onto a WharfError; unknown errors become a 500 with no detail. */
export function toWharfError(err: unknown, req: RequestFacts = {}): WharfError {
  if (err instanceof WharfError) return err;
  const e = err as FastifyError & { type?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestEntityTooLargeError(BODY_LIMIT);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError(req.contentType ?? '', BODY_TYPES);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestError(e.message);
    case 'FST_ERR_VALIDATION': {
      const context = e.validationContext ?? 'request';
      return new BadRequestError(e.validation ? validationMessage(e.validation, context, context === 'params' ? req.params : req.query) : e.message);
    }
  }
  // NATS between servers (a leader election, a reconnect) past the write path's outage budget:
  // the client may retry (503 with Retry-After, which client-go honours for any verb).
  if (isOutage(err) || ['JetStreamNotEnabled', 'NoRespondersError', 'ConnectionError', 'ClosedConnectionError', 'TimeoutError', 'RequestError'].includes(e?.name) || /no responders|timeout|disconnect/i.test(e?.message ?? '')) {
    return new UnavailableError('the event log is temporarily unavailable; retry shortly');
  }
  if (e?.statusCode === 400) return new BadRequestError(e.message);
  if (e?.statusCode === 413) return new RequestEntityTooLargeError(BODY_LIMIT);
  if (e?.statusCode === 415) return new UnsupportedMediaTypeError('', ['application/json']);
  return new InternalError();
}

/** The longest path segment (a name, a namespace) the router matches; longer ones are a 400. Kubernetes names have at most 253 characters. */
export const MAX_PATH_SEGMENT = 1024;

/**
 * fastify's `frameworkErrors` option: a URL the router cannot take (a malformed percent-encoding,
 * a segment longer than MAX_PATH_SEGMENT) is a 400 Status like any other failure, not fastify's
 * own error body.
 */
export function frameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const w = err.code === 'FST_ERR_BAD_URL' ? new BadRequestError(`the URL is not valid: ${err.message}`) : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new BadRequestError(`the URL has a path segment longer than ${MAX_PATH_SEGMENT} characters`) : new InternalError();
  void reply.code(w.code).type('application/json').send(w.toStatus());
}

/** Installs the error and not-found handlers. 5xx details go to the log only. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const w = toWharfError(err, { contentType: req.headers['content-type'], query: req.query, params: req.params });
    if (w.code === 503) req.log.warn({ err: (err as Error).message }, 'event log unavailable');
    else if (w.code >= 500) req.log.error({ err }, 'request failed');
    if (reply.sent || reply.raw.headersSent) return;
    // As kube-apiserver: a Status that says when to retry says it in Retry-After too.
    if (w.details?.retryAfterSeconds) void reply.header('retry-after', String(w.details.retryAfterSeconds));
    void reply.code(w.code).type('application/json').send(w.toStatus());
  });
  app.setNotFoundHandler((req, reply) => {
    const w = new NotFoundError('', req.url.split('?')[0] ?? req.url);
    void reply.code(404).type('application/json').send({ ...w.toStatus(), message: 'the server could not find the requested resource', details: {} });
  });
}
