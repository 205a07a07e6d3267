/**
 * Request body parsing: JSON and YAML objects, and the patch media types Kubernetes clients send,
 * each held to BODY_LIMITS (limits.ts) before a handler sees it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from '@wharf/model';
import { assertUniqueMembers } from '../patch.js';
import { assertJsonNesting, assertSafeValue, BODY_LIMITS } from './limits.js';
import { parseYamlBody } from './yaml.js';

/** Patch media types we accept, as Kubernetes names them. */
export const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json'] as const;
/** One of PATCH_TYPES. */
export type PatchType = (typeof PATCH_TYPES)[number];

/** The patch type of a PATCH request, from its Content-Type; 415 for any other type. */
export function patchType(req: FastifyRequest): PatchType {
  const t = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!(PATCH_TYPES as readonly string[]).includes(t)) throw new UnsupportedMediaTypeError(t, [...PATCH_TYPES]);
  return t as PatchType;
}

/** A JSON body within BODY_LIMITS: its nesting is counted before JSON.parse, the rest checked after. */
function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  assertJsonNesting(body);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new BadRequestError(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
  assertSafeValue(value);
  return value;
}

/** A YAML body within BODY_LIMITS. */
function parseYaml(body: string): unknown {
  const value = parseYamlBody(body);
  assertSafeValue(value);
  return value;
}

/** A JSON patch body; one that names a member twice is ambiguous (RFC 6902 A.13) and a 400. */
function parseJsonPatch(body: string): unknown {
  const value = parseJson(body);
  if (value !== undefined) assertUniqueMembers(body);
  return value;
}

/** Registers the content-type parsers; anything else gets 415. */
export function installBodyParsers(app: FastifyInstance): void {
  // Refuse an announced oversized body before reading it, so the client gets its 413 rather
  // than a connection reset halfway through the upload.
  app.addHook('onRequest', (req, _reply, done) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > BODY_LIMITS.bytes) throw new RequestEntityTooLargeError(BODY_LIMITS.bytes);
    done();
  });
  app.removeAllContentTypeParsers();
  const parser = (parse: (body: string) => unknown) => (_req: unknown, body: string, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, parse(body));
    } catch (e) {
      done(e as Error);
    }
  };
  app.addContentTypeParser(['application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'], { parseAs: 'string' }, parser(parseJson));
  app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, parser(parseJsonPatch));
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, parser(parseYaml));
}

/** The body as a plain object, or a 400 saying what was wrong with it. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw new BadRequestError('the request body is empty: send a JSON or YAML object');
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('the request body must be a JSON or YAML object');
  return body as Record<string, unknown>;
}
