/**
 * JSON schemas of the /api/v1 routes' path parameters and query strings, one per operation.
 * fastify validates a request against them before its handler runs; a failure becomes a 400
 * Status (http/errors.ts). Every value stays a string, as Kubernetes clients send it; the
 * readers in http/query.ts turn the valid ones into numbers and booleans.
 */
import type { FastifySchema } from 'fastify';
import type { Operation } from '../routes/resource-routes.js';

/** The pattern of a non-negative integer parameter (empty means "not given"). */
export const NON_NEGATIVE_INTEGER = '^[0-9]*$';

/** The declared query parameters of a route, each a string as sent. */
export type Properties = Record<string, { type: 'string'; description: string; pattern?: string; enum?: readonly string[] }>;

/** A free-form string parameter. */
export const text = (description: string) => ({ type: 'string' as const, description });
/** A non-negative integer parameter. */
export const integer = (description: string) => ({ type: 'string' as const, pattern: NON_NEGATIVE_INTEGER, description });
const oneOf = (values: readonly string[], description: string) => ({ type: 'string' as const, enum: values, description });
/** A boolean parameter, read by http/query.ts's bool. */
export const flag = (description: string) => text(`${description} ("true", "1" or empty turn it on)`);

/** The querystring schema of a route with these parameters. */
export const querystring = (properties: Properties) => ({ type: 'object', properties }) as const;

/** Path parameters: the namespace and the object's name, where the URL has them. */
export const objectParams = {
  type: 'object',
  properties: {
    namespace: { type: 'string', minLength: 1, description: 'the namespace of the object or collection' },
    name: { type: 'string', minLength: 1, description: 'the name of the object' },
  },
} as const;

const selectors: Properties = {
  labelSelector: text('only objects whose labels match, e.g. app=web,tier!=db'),
  fieldSelector: text('only objects whose fields match, e.g. status.phase=Running'),
};
const watching: Properties = {
  ...selectors,
  resourceVersion: integer('watch: replay the changes after this revision, then follow; empty or 0 lists the current objects first'),
  timeoutSeconds: integer('watch: end the stream after this many seconds (default 1800)'),
  includeObject: text('Table rows carry None, Metadata (default) or Object'),
};
const reading: Properties = { ...watching, watch: flag('stream changes instead of answering once'), at: text('the state at a past point: a revision, an RFC 3339 time or an age such as 10m') };
const writing: Properties = {
  dryRun: oneOf(['All'], 'All: validate and answer, but store nothing'),
  fieldValidation: oneOf(['Strict', 'Warn', 'Ignore'], 'what unknown fields cause: Strict (400, default), Warn (a Warning header) or Ignore'),
};
const deleting: Properties = {
  ...writing,
  gracePeriodSeconds: integer('seconds a pod gets to stop before it is removed'),
  propagationPolicy: oneOf(['Orphan', 'Background', 'Foreground'], 'what happens to the dependents (the pods of an RC)'),
  orphanDependents: flag('leave the dependents (deprecated: use propagationPolicy=Orphan)'),
};
const logging: Properties = {
  container: text('the container, when the pod has more than one'),
  follow: flag('keep streaming new lines'),
  tailLines: integer('only the last N lines'),
  sinceSeconds: integer('only lines of the last N seconds'),
  sinceTime: text('only lines at or after this RFC 3339 time'),
  timestamps: flag('prefix each line with its time'),
  previous: flag("the previous instance's lines (after a restart)"),
};

const QUERIES: Record<Operation, Properties> = {
  list: reading,
  create: writing,
  createAcrossNamespaces: {},
  deletecollection: { ...selectors, ...deleting },
  get: reading,
  update: writing,
  patch: writing,
  delete: deleting,
  updateStatus: writing,
  patchStatus: writing,
  getScale: {},
  updateScale: writing,
  patchScale: writing,
  log: logging,
  watch: watching,
};

const SCHEMAS = new Map<Operation, FastifySchema>();

/** The schema of one operation's routes: its path parameters and its query string (one object per operation, compiled once). */
export function operationSchema(operation: Operation): FastifySchema {
  let schema = SCHEMAS.get(operation);
  if (!schema) SCHEMAS.set(operation, (schema = { params: objectParams, querystring: querystring(QUERIES[operation]) }));
  return schema;
}
