/** Request body parsing: JSON and YAML objects, and the patch media types Kubernetes clients send. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from '@wharf/model';
import { assertUniqueMembers } from '../patch.js';
import { BODY_LIMIT } from './errors.js';

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

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new BadRequestError(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
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
    if (length > BODY_LIMIT) throw new RequestEntityTooLargeError(BODY_LIMIT);
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
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (e) {
      done(new BadRequestError(`the body of the request was in an unknown format: ${(e as Error).message}`));
    }
  });
}

/** The body as a plain object, or a 400 saying what was wrong with it. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw new BadRequestError('the request body is empty: send a JSON or YAML object');
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('the request body must be a JSON or YAML object');
  return body as Record<string, unknown>;
}
