import { describe, expect, it } from 'vitest';
import type { FastifySchemaValidationError } from 'fastify';
import { BadRequestError, ConflictError } from '@wharf/model';
import { BODY_LIMIT, toWharfError, validationMessage } from './errors.js';
import { NON_NEGATIVE_INTEGER } from './schemas.js';

/** A fastify error as its parsers and validators raise them. */
const fastifyError = (code: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });
const ajv = (instancePath: string, keyword: string, params: Record<string, unknown>, message = 'must be valid'): FastifySchemaValidationError => ({ instancePath, schemaPath: `#/properties${instancePath}/${keyword}`, keyword, params, message });

describe('validationMessage', () => {
  it('names an integer parameter and its value', () => {
    expect(validationMessage([ajv('/timeoutSeconds', 'pattern', { pattern: NON_NEGATIVE_INTEGER })], 'querystring', { timeoutSeconds: 'soon' })).toBe('invalid value for timeoutSeconds: "soon" is not a non-negative integer');
  });

  it('lists the allowed values of an enum, or the one value there is', () => {
    expect(validationMessage([ajv('/fieldValidation', 'enum', { allowedValues: ['Strict', 'Warn', 'Ignore'] })], 'querystring', { fieldValidation: 'Loud' })).toBe('fieldValidation must be one of Strict, Warn, Ignore; got "Loud"');
    expect(validationMessage([ajv('/dryRun', 'enum', { allowedValues: ['All'] })], 'querystring', { dryRun: 'Some' })).toBe('dryRun must be "All"; got "Some"');
  });

  it('says when a single-valued parameter came more than once', () => {
    expect(validationMessage([ajv('/labelSelector', 'type', { type: 'string' }, 'must be string')], 'querystring', { labelSelector: ['a=b', 'c=d'] })).toBe('labelSelector must be given once; got 2 values');
  });

  it("falls back to the validator's own words", () => {
    expect(validationMessage([ajv('/name', 'minLength', { limit: 1 }, 'must NOT have fewer than 1 characters')], 'params', { name: '' })).toBe('invalid value for name: must NOT have fewer than 1 characters');
    expect(validationMessage([], 'querystring', {})).toBe('invalid querystring');
  });
});

describe('toWharfError', () => {
  it('passes Wharf errors through unchanged', () => {
    const e = new ConflictError('pods', 'p');
    expect(toWharfError(e)).toBe(e);
  });

  it('turns a schema failure into a 400 that names the parameter', () => {
    const err = fastifyError('FST_ERR_VALIDATION', 'querystring/dryRun must be equal to one of the allowed values', {
      validation: [ajv('/dryRun', 'enum', { allowedValues: ['All'] })],
      validationContext: 'querystring',
    });
    const w = toWharfError(err, { query: { dryRun: 'x' } });
    expect(w).toBeInstanceOf(BadRequestError);
    expect(w.toStatus()).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest', message: 'dryRun must be "All"; got "x"' });
  });

  it('names the refused media type in a 415', () => {
    const w = toWharfError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type'), { contentType: 'application/apply-patch+yaml' });
    expect(w.code).toBe(415);
    expect(w.message).toMatch(/^the media type "application\/apply-patch\+yaml" is not supported; supported types: application\/json, /);
  });

  it('maps body problems onto 400 and 413', () => {
    expect(toWharfError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 'bad json')).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest', message: 'bad json' });
    expect(toWharfError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'too large')).message).toBe(`the request body is larger than the limit of ${BODY_LIMIT} bytes`);
  });

  it('answers 503 while NATS is away, and 500 without detail for anything else', () => {
    expect(toWharfError(Object.assign(new Error('no responders available'), { name: 'NoRespondersError' })).code).toBe(503);
    const internal = toWharfError(new TypeError('x is undefined at /src/secret.ts:12'));
    expect(internal.toStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', code: 500, message: 'an internal error occurred' });
  });
});
